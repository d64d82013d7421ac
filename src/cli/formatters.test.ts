/** The text and table formatters against the AWS CLI's own output for the same data (fixture generated with awscli 2.9.19). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatTable } from './output-table.js';
import { formatText } from './output-text.js';
import { isoformat, pyJsonDumps, pyRepr, pyStr } from './python-repr.js';
import { encodeToken } from './paginate.js';
import { formatYaml } from './output-yaml.js';

interface Case {
  title: string;
  data: unknown;
  text: string;
  table: string;
}

const cases = JSON.parse(readFileSync(new URL('../../test/cli/fixtures/formatter-cases.json', import.meta.url), 'utf8')) as Case[];

describe('--output text / table, ported from awscli', () => {
  for (const [i, c] of cases.entries()) {
    it(`case ${i} (${c.title}): text`, () => expect(formatText(c.data)).toBe(c.text));
    it(`case ${i} (${c.title}): table`, () => expect(formatTable(c.title, c.data, { width: 80 })).toBe(c.table));
  }
});

describe('Python spellings', () => {
  it('str/repr/json.dumps and datetime.isoformat', () => {
    expect(pyStr(true)).toBe('True');
    expect(pyStr(null)).toBe('None');
    expect(pyRepr(['a', "b'c", 1])).toBe(`['a', "b'c", 1]`);
    expect(pyJsonDumps({ NextToken: null, boto_truncate_amount: 1 })).toBe('{"NextToken": null, "boto_truncate_amount": 1}');
    expect(encodeToken({ NextToken: null, boto_truncate_amount: 1 })).toBe('eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==');
    const d = new Date(Date.UTC(2026, 11, 2, 14, 17, 50, 668));
    const offset = -d.getTimezoneOffset();
    if (offset === 0) {
      expect(isoformat(d)).toBe('2026-12-02T14:17:50.668000+00:00');
      expect(isoformat(new Date(Date.UTC(2026, 11, 2)))).toBe('2026-12-02T00:00:00+00:00');
    } else {
      expect(isoformat(d)).toMatch(/^2026-12-0\dT\d\d:\d\d:50\.668000[+-]\d\d:\d\d$/);
    }
  });

  it('yaml: sorted keys, unindented lists, quoted timestamps', () => {
    expect(formatYaml({ Name: 'n', CreatedDate: '2026-12-02T14:45:25.200000+00:00', VersionStages: ['AWSCURRENT'], ARN: 'a' })).toBe(
      "ARN: a\nCreatedDate: '2026-12-02T14:45:25.200000+00:00'\nName: n\nVersionStages:\n- AWSCURRENT\n",
    );
    expect(formatYaml('x')).toBe('"x"\n');
  });
});
