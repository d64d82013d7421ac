"""boto3 conformance suite for Rotor, run by test/conformance/boto3.test.ts.

Environment: ROTOR_URL, ROTOR_KEY_ID, ROTOR_SECRET, ROTOR_REGION, ROTOR_PREFIX (unique name prefix),
ROTOR_ACCOUNT (optional, 12 digits). Prints one JSON summary line on stdout and exits 1 on any mismatch.
"""
import datetime
import json
import os
import re
import sys
import uuid

import boto3
import botocore.config
from botocore.exceptions import ClientError

URL = os.environ["ROTOR_URL"]
REGION = os.environ["ROTOR_REGION"]
PREFIX = os.environ["ROTOR_PREFIX"]
ACCOUNT = os.environ.get("ROTOR_ACCOUNT") or r"\d{12}"

client = boto3.client(
    "secretsmanager",
    endpoint_url=URL,
    region_name=REGION,
    aws_access_key_id=os.environ["ROTOR_KEY_ID"],
    aws_secret_access_key=os.environ["ROTOR_SECRET"],
    config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=5, read_timeout=15),
)

failures = []
checks = 0
ops_called = set()
results = {}

client.meta.events.register("after-call.secrets-manager", lambda model, **kw: ops_called.add(model.name))


def check(cond, what, got=None):
    global checks
    checks += 1
    if not cond:
        failures.append(what if got is None else f"{what}: got {got!r}")


def expect_error(fn, code, message=None, what=""):
    try:
        fn()
    except ClientError as e:
        err = e.response["Error"]
        check(err.get("Code") == code, f"{what}: error code {code}", err.get("Code"))
        if message is not None:
            check(err.get("Message") == message, f"{what}: error message", err.get("Message"))
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, f"{what}: HTTP 400", e.response["ResponseMetadata"]["HTTPStatusCode"])
        return e
    check(False, f"{what}: expected {code}, call succeeded")
    return None


def arn_re(name):
    return re.compile(rf"^arn:aws:secretsmanager:{re.escape(REGION)}:{ACCOUNT}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}$")


def stages(desc):
    return {k: sorted(v) for k, v in desc.get("VersionIdsToStages", {}).items()}


NOT_FOUND = "Secrets Manager can't find the specified secret."
MARKED = "You can't perform this operation on the secret because it was marked for deletion."


def section_create_describe_get():
    name = f"{PREFIX}/svc/db-creds"
    c = client.create_secret(
        Name=name,
        Description="boto3 description",
        SecretString='{"user":"svc","password":"pw-1"}',
        Tags=[{"Key": "env", "Value": "test"}, {"Key": "owner", "Value": "boto3"}],
    )
    check(arn_re(name).match(c["ARN"]) is not None, "create ARN format", c["ARN"])
    check(c["Name"] == name, "create Name", c["Name"])
    check(re.match(r"^[0-9a-f-]{36}$", c["VersionId"]) is not None, "create VersionId is the SDK's UUID", c["VersionId"])
    d = client.describe_secret(SecretId=name)
    check(d["ARN"] == c["ARN"] and d["Name"] == name, "describe ARN/Name")
    check(d.get("Description") == "boto3 description", "describe Description", d.get("Description"))
    check(sorted((t["Key"], t["Value"]) for t in d.get("Tags", [])) == [("env", "test"), ("owner", "boto3")], "describe Tags", d.get("Tags"))
    check(stages(d) == {c["VersionId"]: ["AWSCURRENT"]}, "describe VersionIdsToStages", d.get("VersionIdsToStages"))
    check(isinstance(d.get("CreatedDate"), datetime.datetime) and d["CreatedDate"].tzinfo is not None, "CreatedDate is an aware datetime", d.get("CreatedDate"))
    check("KmsKeyId" not in d and "DeletedDate" not in d, "describe omits KmsKeyId/DeletedDate", sorted(d))
    partial = c["ARN"][:-7]
    for sid in (name, c["ARN"], partial):
        g = client.get_secret_value(SecretId=sid)
        check(g.get("SecretString") == '{"user":"svc","password":"pw-1"}', f"get by {sid!r}", g.get("SecretString"))
        check(g["VersionId"] == c["VersionId"] and g["VersionStages"] == ["AWSCURRENT"], f"get by {sid!r} version/stages")
        check("SecretBinary" not in g, "string secret has no SecretBinary")
    # The name-ends-in-6-chars pitfall (spec §3.3): its partial ARN is taken for a full ARN.
    tricky = f"{PREFIX}-Abc123"
    tc = client.create_secret(Name=tricky, SecretString="tricky")
    expect_error(lambda: client.get_secret_value(SecretId=tc["ARN"][:-7]), "ResourceNotFoundException", NOT_FOUND, "partial ARN of a -XXXXXX name")
    check(client.get_secret_value(SecretId=tc["ARN"])["SecretString"] == "tricky", "full ARN of a -XXXXXX name")
    # Duplicate name; modelled exception class.
    try:
        client.create_secret(Name=name, SecretString="other")
        check(False, "duplicate create should fail")
    except client.exceptions.ResourceExistsException as e:
        check(e.response["Error"]["Message"] == f"The operation failed because the secret {name} already exists.", "duplicate create message", e.response["Error"]["Message"])
    # Idempotent retry of the same CreateSecret (same token, same value) returns the original answer.
    token = str(uuid.uuid4())
    i1 = client.create_secret(Name=f"{PREFIX}-idem-create", SecretString="same", ClientRequestToken=token)
    i2 = client.create_secret(Name=f"{PREFIX}-idem-create", SecretString="same", ClientRequestToken=token)
    check((i1["ARN"], i1["VersionId"]) == (i2["ARN"], i2["VersionId"]) and i1["VersionId"] == token, "idempotent CreateSecret retry", (i1, i2))
    # Errors through the modelled exception classes and ClientError.
    try:
        client.get_secret_value(SecretId=f"{PREFIX}-missing")
        check(False, "missing secret should fail")
    except client.exceptions.ResourceNotFoundException as e:
        check(e.response["Error"]["Message"] == NOT_FOUND, "ResourceNotFound message", e.response["Error"]["Message"])
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "ResourceNotFound is HTTP 400")
        check(e.response["ResponseMetadata"].get("RequestId", "") != "", "error carries a request id")
    expect_error(lambda: client.describe_secret(SecretId="bad name with spaces"), "ValidationException",
                 "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!", "invalid name")
    results["createdName"] = name


def section_binary():
    name = f"{PREFIX}-binary-value"
    blob = bytes(range(256)) + os.urandom(257) + b"\x00\xff"
    c = client.create_secret(Name=name, SecretBinary=blob)
    g = client.get_secret_value(SecretId=name)
    check(g.get("SecretBinary") == blob, "SecretBinary round-trip (bytes)", len(g.get("SecretBinary", b"")))
    check("SecretString" not in g, "binary secret has no SecretString")
    blob2 = b"\x01\x02second"
    p = client.put_secret_value(SecretId=name, SecretBinary=blob2)
    check(client.get_secret_value(SecretId=name)["SecretBinary"] == blob2, "binary put round-trip")
    check(client.get_secret_value(SecretId=name, VersionId=c["VersionId"])["SecretBinary"] == blob, "old binary by VersionId")
    bv = client.batch_get_secret_value(SecretIdList=[name])["SecretValues"]
    check(len(bv) == 1 and bv[0].get("SecretBinary") == blob2 and bv[0]["VersionId"] == p["VersionId"], "binary through BatchGetSecretValue")
    expect_error(lambda: client.create_secret(Name=f"{PREFIX}-both", SecretString="s", SecretBinary=b"b"), "InvalidParameterException", None, "string and binary together")
    results["binaryBytes"] = len(blob)


def section_versions_and_labels():
    name = f"{PREFIX}-labels"
    v1 = client.create_secret(Name=name, SecretString="one")["VersionId"]
    p2 = client.put_secret_value(SecretId=name, SecretString="two")
    check(p2["VersionStages"] == ["AWSCURRENT"], "put stages", p2["VersionStages"])
    prev = client.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")
    check(prev["SecretString"] == "one" and prev["VersionId"] == v1, "AWSPREVIOUS after put")
    # Custom label only: AWSCURRENT stays (spec §13.7).
    p3 = client.put_secret_value(SecretId=name, SecretString="three", VersionStages=["CANARY"])
    check(p3["VersionStages"] == ["CANARY"], "custom-stage put", p3["VersionStages"])
    check(client.get_secret_value(SecretId=name)["SecretString"] == "two", "AWSCURRENT untouched by custom-stage put")
    # Idempotency (spec §6).
    token = str(uuid.uuid4())
    a = client.put_secret_value(SecretId=name, SecretString="four", ClientRequestToken=token)
    b = client.put_secret_value(SecretId=name, SecretString="four", ClientRequestToken=token)
    check(a["VersionId"] == token and b["VersionId"] == token and b["VersionStages"] == ["AWSCURRENT"], "idempotent put retry", b)
    arn = a["ARN"]
    expect_error(lambda: client.put_secret_value(SecretId=name, SecretString="five", ClientRequestToken=token), "ResourceExistsException",
                 f"You can't use ClientRequestToken {token} because that value is already in use for a version of secret {arn}.", "token reuse, other value")
    expect_error(lambda: client.get_secret_value(SecretId=name, VersionId=v1, VersionStage="AWSCURRENT"), "InvalidRequestException",
                 "You provided a VersionStage that is not associated to the provided VersionId.", "id/stage mismatch")
    expect_error(lambda: client.get_secret_value(SecretId=name, VersionStage="NOPE"), "ResourceNotFoundException",
                 "Secrets Manager can't find the specified secret value for staging label: NOPE", "unknown stage")
    missing_id = "0" * 32
    expect_error(lambda: client.get_secret_value(SecretId=name, VersionId=missing_id), "ResourceNotFoundException",
                 f"Secrets Manager can't find the specified secret value for VersionId: {missing_id}", "unknown version id")
    # UpdateSecret with a value; then metadata only.
    u = client.update_secret(SecretId=name, SecretString="six", Description="updated")
    check("VersionId" in u, "update with value returns VersionId")
    m = client.update_secret(SecretId=name, Description="meta only")
    check("VersionId" not in m and m["Name"] == name, "metadata-only update has no VersionId", m)
    d = client.describe_secret(SecretId=name)
    check(d.get("Description") == "meta only", "description updated")
    check(stages(d) == {u["VersionId"]: ["AWSCURRENT"], token: ["AWSPREVIOUS"], p3["VersionId"]: ["CANARY"]}, "labels after update", stages(d))
    # Rollback (spec §7).
    expect_error(lambda: client.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=token),
                 "InvalidParameterException",
                 f"The parameter RemoveFromVersionId can't be empty. Staging label AWSCURRENT is currently attached to version {u['VersionId']}, so you must explicitly reference that version in RemoveFromVersionId.",
                 "move without RemoveFromVersionId")
    r = client.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=u["VersionId"])
    check(r["Name"] == name and r["ARN"] == arn, "rollback answer", r)
    d = client.describe_secret(SecretId=name)
    check(stages(d) == {token: ["AWSCURRENT"], u["VersionId"]: ["AWSPREVIOUS"], p3["VersionId"]: ["CANARY"]}, "labels after rollback", stages(d))
    check(client.get_secret_value(SecretId=name)["SecretString"] == "four", "value after rollback")
    # ListSecretVersionIds.
    plain = client.list_secret_version_ids(SecretId=name)["Versions"]
    full = client.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    check(sorted(v["VersionId"] for v in plain) == sorted([token, u["VersionId"], p3["VersionId"]]), "labelled versions", [v["VersionId"] for v in plain])
    check(sorted(v["VersionId"] for v in full) == sorted([v1, p2["VersionId"], p3["VersionId"], token, u["VersionId"]]), "all versions with IncludeDeprecated")
    dep = [v for v in full if v["VersionId"] in (v1, p2["VersionId"])]
    check(all("VersionStages" not in v for v in dep), "deprecated versions have no VersionStages", dep)
    check(all(v.get("KmsKeyIds") == ["DefaultEncryptionKey"] for v in full), "KmsKeyIds DefaultEncryptionKey")
    # Paging ListSecretVersionIds by hand.
    seen, kw = [], {"SecretId": name, "IncludeDeprecated": True, "MaxResults": 2}
    for _ in range(10):
        page = client.list_secret_version_ids(**kw)
        seen += [v["VersionId"] for v in page["Versions"]]
        if "NextToken" not in page:
            break
        kw["NextToken"] = page["NextToken"]
    check(sorted(seen) == sorted(v["VersionId"] for v in full), "ListSecretVersionIds pages", seen)
    results["versions"] = len(full)


def section_list_and_batch():
    base = f"{PREFIX}-page-"
    names = [f"{base}{i:02d}" for i in range(9)]
    for n in names:
        client.create_secret(Name=n, SecretString=f"value of {n}", Tags=[{"Key": "group", "Value": "even" if int(n[-2:]) % 2 == 0 else "odd"}])
    pag = client.get_paginator("list_secrets")
    filt = [{"Key": "name", "Values": [base]}]
    pages = list(pag.paginate(Filters=filt, PaginationConfig={"PageSize": 2}))
    got = [s["Name"] for p in pages for s in p["SecretList"]]
    check(sorted(got) == names and len(got) == len(set(got)), "paginator returns each secret once", got)
    check(len(pages) == 5, "PageSize 2 over 9 secrets ⇒ 5 pages", len(pages))
    # MaxItems + StartingToken resume.
    first = pag.paginate(Filters=filt, PaginationConfig={"PageSize": 2, "MaxItems": 5}).build_full_result()
    rest = pag.paginate(Filters=filt, PaginationConfig={"PageSize": 2, "StartingToken": first["NextToken"]}).build_full_result()
    resumed = [s["Name"] for s in first["SecretList"]] + [s["Name"] for s in rest["SecretList"]]
    check(len(first["SecretList"]) == 5 and sorted(resumed) == names and len(resumed) == len(set(resumed)), "MaxItems/StartingToken resume", resumed)
    # Sorting and filters.
    asc = [s["Name"] for p in pag.paginate(Filters=filt, SortOrder="asc", PaginationConfig={"PageSize": 4}) for s in p["SecretList"]]
    check(asc == names, "creation order ascending", asc)
    desc = [s["Name"] for p in pag.paginate(Filters=filt, SortOrder="desc", PaginationConfig={"PageSize": 4}) for s in p["SecretList"]]
    check(desc == list(reversed(names)), "creation order descending", desc)
    odd = client.list_secrets(Filters=[{"Key": "name", "Values": [base]}, {"Key": "tag-value", "Values": ["odd"]}])["SecretList"]
    check(sorted(s["Name"] for s in odd) == [n for n in names if int(n[-2:]) % 2 == 1], "name AND tag-value filters", [s["Name"] for s in odd])
    neg = client.list_secrets(Filters=[{"Key": "name", "Values": [base]}, {"Key": "tag-value", "Values": ["!odd"]}])["SecretList"]
    check(sorted(s["Name"] for s in neg) == [n for n in names if int(n[-2:]) % 2 == 0], "negated filter", [s["Name"] for s in neg])
    expect_error(lambda: client.list_secrets(NextToken="not-a-valid-token"), "InvalidNextTokenException", None, "bad NextToken")
    # BatchGetSecretValue by ids (partial failure) and by filters (paginated).
    b = client.batch_get_secret_value(SecretIdList=[names[0], names[1], f"{PREFIX}-nope"])
    check(sorted((v["Name"], v["SecretString"]) for v in b["SecretValues"]) == [(names[0], f"value of {names[0]}"), (names[1], f"value of {names[1]}")], "batch values")
    check(b.get("Errors") == [{"SecretId": f"{PREFIX}-nope", "ErrorCode": "ResourceNotFoundException", "Message": NOT_FOUND}], "batch per-item error", b.get("Errors"))
    seen, kw = [], {"Filters": filt, "MaxResults": 4}
    for _ in range(10):
        page = client.batch_get_secret_value(**kw)
        seen += [v["Name"] for v in page["SecretValues"]]
        if "NextToken" not in page:
            break
        kw["NextToken"] = page["NextToken"]
    check(sorted(seen) == names, "batch by filters, paged", seen)
    expect_error(lambda: client.batch_get_secret_value(SecretIdList=[names[0]], Filters=filt), "InvalidParameterException", None, "batch ids and filters")
    results["listed"] = len(got)


def section_delete_restore():
    name = f"{PREFIX}-delete-me"
    client.create_secret(Name=name, SecretString="doomed")
    before = datetime.datetime.now(datetime.timezone.utc)
    d = client.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    delta = (d["DeletionDate"] - before).total_seconds()
    check(abs(delta - 7 * 86400) < 300, "DeletionDate = now + 7 days", delta)
    expect_error(lambda: client.get_secret_value(SecretId=name), "InvalidRequestException", MARKED, "get after delete")
    expect_error(lambda: client.put_secret_value(SecretId=name, SecretString="x"), "InvalidRequestException", MARKED, "put after delete")
    expect_error(lambda: client.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "b"}]), "InvalidRequestException", MARKED, "tag after delete")
    bg = client.batch_get_secret_value(SecretIdList=[name])
    check(bg["SecretValues"] == [] and [(e["ErrorCode"], e["Message"]) for e in bg.get("Errors", [])] == [("InvalidRequestException", MARKED)], "batch item for a deleted secret", bg.get("Errors"))
    check("DeletedDate" in client.describe_secret(SecretId=name), "describe shows DeletedDate")
    check(client.list_secrets(Filters=[{"Key": "name", "Values": [name]}])["SecretList"] == [], "deleted secret hidden from ListSecrets")
    check([s["Name"] for s in client.list_secrets(IncludePlannedDeletion=True, Filters=[{"Key": "name", "Values": [name]}])["SecretList"]] == [name], "IncludePlannedDeletion")
    expect_error(lambda: client.delete_secret(SecretId=name, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True), "InvalidParameterException", None, "force + window")
    expect_error(lambda: client.delete_secret(SecretId=name, RecoveryWindowInDays=31), "InvalidParameterException", None, "window 31")
    r = client.restore_secret(SecretId=name)
    check(r["Name"] == name, "restore answer")
    check(client.get_secret_value(SecretId=name)["SecretString"] == "doomed", "value after restore")
    check("DeletedDate" not in client.describe_secret(SecretId=name), "restore clears DeletedDate")
    f = client.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    check(f["Name"] == name, "force delete answer")
    expect_error(lambda: client.describe_secret(SecretId=name), "ResourceNotFoundException", NOT_FOUND, "describe after force delete")
    # Force delete of an unknown (valid) name is not an error (spec C2).
    g = client.delete_secret(SecretId=f"{PREFIX}-never-existed", ForceDeleteWithoutRecovery=True)
    check(g["Name"] == f"{PREFIX}-never-existed", "force delete of an unknown name")


def section_tags():
    name = f"{PREFIX}-tagging"
    client.create_secret(Name=name, SecretString="t")
    check("Tags" not in client.describe_secret(SecretId=name), "no Tags before tagging")
    client.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    client.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "1b"}])
    tags = sorted((t["Key"], t["Value"]) for t in client.describe_secret(SecretId=name)["Tags"])
    check(tags == [("a", "1b"), ("b", "2")], "tags after overwrite", tags)
    client.untag_resource(SecretId=name, TagKeys=["a", "absent"])
    client.untag_resource(SecretId=name, TagKeys=["b"])
    check(client.describe_secret(SecretId=name).get("Tags") == [], "Tags: [] after removing all")


def section_password():
    p = client.get_random_password()["RandomPassword"]
    check(len(p) == 32, "default length 32", len(p))
    check(all(re.search(rx, p) for rx in (r"[a-z]", r"[A-Z]", r"[0-9]", r"[!-/:-@\[-`{-~]")), "each type present", p)
    q = client.get_random_password(PasswordLength=4096, ExcludeCharacters="aeiouAEIOU", ExcludePunctuation=True, IncludeSpace=True)["RandomPassword"]
    check(len(q) == 4096 and re.fullmatch(r"[b-df-hj-np-tv-zB-DF-HJ-NP-TV-Z0-9 ]+", q) is not None, "length 4096 with exclusions", q[:40])
    expect_error(lambda: client.get_random_password(PasswordLength=5000), "ValidationException",
                 "1 validation error detected: Value '5000' at 'passwordLength' failed to satisfy constraint: Member must have value less than or equal to 4096", "length 5000")
    expect_error(lambda: client.get_random_password(PasswordLength=3), "InvalidParameterException", None, "too short for 4 types")


def section_policy():
    name = f"{PREFIX}-policy-holder"
    c = client.create_secret(Name=name, SecretString="p")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/reader"},
                                                                  "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]})
    public = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "secretsmanager:*", "Resource": "*"}]})
    g0 = client.get_resource_policy(SecretId=name)
    check("ResourcePolicy" not in g0 and g0["Name"] == name, "no policy yet", g0)
    p = client.put_resource_policy(SecretId=name, ResourcePolicy=policy, BlockPublicPolicy=True)
    check(p["ARN"] == c["ARN"] and p["Name"] == name, "put policy answer")
    check(client.get_resource_policy(SecretId=name).get("ResourcePolicy") == policy, "policy stored verbatim")
    expect_error(lambda: client.put_resource_policy(SecretId=name, ResourcePolicy=public, BlockPublicPolicy=True), "PublicPolicyException", None, "public policy blocked")
    expect_error(lambda: client.put_resource_policy(SecretId=name, ResourcePolicy="{nope"), "MalformedPolicyDocumentException", None, "malformed policy")
    v = client.validate_resource_policy(SecretId=name, ResourcePolicy=policy)
    check(v["PolicyValidationPassed"] is True and v.get("ValidationErrors", []) == [], "valid policy passes", v)
    w = client.validate_resource_policy(ResourcePolicy=public)
    check(w["PolicyValidationPassed"] is False and len(w.get("ValidationErrors", [])) > 0, "public policy fails validation", w)
    client.delete_resource_policy(SecretId=name)
    check("ResourcePolicy" not in client.get_resource_policy(SecretId=name), "policy deleted")


SECTIONS = [section_create_describe_get, section_binary, section_versions_and_labels, section_list_and_batch,
            section_delete_restore, section_tags, section_password, section_policy]

for s in SECTIONS:
    try:
        s()
    except Exception as e:  # an unexpected error fails the section, the suite goes on
        failures.append(f"{s.__name__} raised {type(e).__name__}: {e}")

print(json.dumps({"checks": checks, "failures": failures, "ops": sorted(ops_called), "results": results}))
sys.exit(1 if failures else 0)
