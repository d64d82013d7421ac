"""Rotor's Python runtime bootstrap: loads an unmodified Lambda handler once and serves invocations.

Protocol with Rotor (JSON lines): fd 3 carries requests {type:'invoke', requestId, event, deadlineMs,
invokedFunctionArn}; fd 4 carries answers {type:'ready', error?} once after loading, then
{type:'result', requestId, payload} or {type:'error', requestId, error:{errorType, errorMessage,
stackTrace}}. Before each answer an end marker is written to stdout and stderr so that Rotor can tell which
output belongs to which invocation. stdout/stderr themselves are the handler's logs (run with -u).

Handler resolution follows the Lambda Python runtime: `_HANDLER` is `path/module.function`; the module is
imported with importlib with LAMBDA_TASK_ROOT first on sys.path. The root logger gets a handler in the
Lambda format, so `logging.getLogger().info(...)` after `setLevel(INFO)` shows up as it does on Lambda.
"""

import importlib
import json
import logging
import os
import sys
import time
import traceback

REQUESTS_FD = 3
ANSWERS_FD = 4

_current_request_id = None


def _marker(request_id):
    return "\x1f\x1frotor-end:%s\x1f\x1f\n" % request_id


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _current_request_id
        return True


def _install_logging():
    handler = logging.StreamHandler(sys.stdout)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    logging.getLogger().addHandler(handler)


class LambdaContext(object):
    def __init__(self, request_id, deadline_ms, invoked_function_arn):
        self.aws_request_id = request_id
        self.invoked_function_arn = invoked_function_arn
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        self.client_context = None
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        return max(0, int(self._deadline_ms - time.time() * 1000))


def _error_body(exc, error_type=None):
    tb = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ is not None else []
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "stackTrace": traceback.format_list(tb),
    }


def _log_error(body):
    lines = ["[ERROR] %s: %s" % (body["errorType"], body["errorMessage"])]
    if body.get("stackTrace"):
        lines.append("Traceback (most recent call last):")
        lines.extend(s.rstrip("\n") for s in body["stackTrace"])
    sys.stdout.write("\n".join(lines) + "\n")


def _load_handler(spec):
    if "." not in spec:
        return None, {
            "errorMessage": "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % spec,
            "errorType": "Runtime.MalformedHandlerName",
            "stackTrace": [],
        }
    module_path, fn_name = spec.rsplit(".", 1)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return None, {
            "errorMessage": "Unable to import module '%s': %s" % (module_name, exc),
            "errorType": "Runtime.ImportModuleError",
            "stackTrace": [],
        }
    except SyntaxError as exc:
        return None, {
            "errorMessage": "Syntax error in module '%s': %s" % (module_name, exc),
            "errorType": "Runtime.UserCodeSyntaxError",
            "stackTrace": traceback.format_list(traceback.extract_tb(exc.__traceback__)),
        }
    except Exception as exc:  # noqa: BLE001 - any init failure is reported like Lambda does
        body = _error_body(exc)
        body["errorMessage"] = "Unable to import module '%s': %s" % (module_name, exc)
        body["errorType"] = "Runtime.ImportModuleError"
        return None, body
    fn = getattr(module, fn_name, None)
    if fn is None or not callable(fn):
        return None, {
            "errorMessage": "Handler '%s' missing on module '%s'" % (fn_name, module_name),
            "errorType": "Runtime.HandlerNotFound",
            "stackTrace": [],
        }
    return fn, None


def main():
    global _current_request_id
    os.set_blocking(REQUESTS_FD, True)
    os.set_blocking(ANSWERS_FD, True)
    requests = os.fdopen(REQUESTS_FD, "rb")
    answers = os.fdopen(ANSWERS_FD, "wb")

    def answer(msg):
        answers.write((json.dumps(msg) + "\n").encode("utf-8"))
        answers.flush()

    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    # The bootstrap's own directory is sys.path[0]; the task root must win over it.
    sys.path.insert(0, task_root)
    os.chdir(task_root)
    _install_logging()

    handler, init_error = _load_handler(os.environ.get("_HANDLER", ""))
    if init_error is not None:
        _log_error(init_error)
        sys.stdout.flush()
        answer({"type": "ready", "error": init_error})
        sys.exit(1)
    answer({"type": "ready"})

    for line in requests:
        if not line.strip():
            continue
        req = json.loads(line)
        if req.get("type") != "invoke":
            continue
        request_id = req["requestId"]
        _current_request_id = request_id
        context = LambdaContext(request_id, req.get("deadlineMs", 0), req.get("invokedFunctionArn"))
        try:
            result = handler(req.get("event"), context)
            try:
                payload = json.dumps(result)
            except (TypeError, ValueError) as exc:
                raise _MarshalError("Unable to marshal response: %s" % exc)
            msg = {"type": "result", "requestId": request_id, "payload": payload}
        except Exception as exc:  # noqa: BLE001 - a handler failure is the function's error, not ours
            body = _error_body(exc, "Runtime.MarshalError" if isinstance(exc, _MarshalError) else None)
            _log_error(body)
            msg = {"type": "error", "requestId": request_id, "error": body}
        sys.stdout.write(_marker(request_id))
        sys.stdout.flush()
        sys.stderr.write(_marker(request_id))
        sys.stderr.flush()
        answer(msg)
    # Rotor closed the request pipe: stop.


class _MarshalError(Exception):
    pass


if __name__ == "__main__":
    main()
