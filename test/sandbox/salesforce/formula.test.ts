import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate, type FormulaRecord } from '../../../sandbox/salesforce/formula/evaluate.js';
import { parseFormula } from '../../../sandbox/salesforce/formula/parse.js';
import { loadSchema } from '../../../sandbox/salesforce/metadata.js';
import { field, ObjectDef } from '../../../sandbox/salesforce/schema.js';
import { parseValidationRuleXml } from '../../../sandbox/salesforce/validation-rules.js';

const widget = new ObjectDef('Widget__c', 'Widget', 'a0W', [
  field('Size__c', 'double'),
  field('Name', 'string', { length: 80 }),
  field('Active__c', 'boolean'),
  field('Seen__c', 'datetime'),
  field('Due__c', 'date'),
  field('Stage__c', 'picklist'),
]);

const record = (values: FormulaRecord['values'], prior?: FormulaRecord['values']): FormulaRecord => ({
  isNew: prior === undefined,
  values,
  prior,
});
const run = (formula: string, values: FormulaRecord['values'], prior?: FormulaRecord['values']) =>
  evaluate(parseFormula(formula, widget), record(values, prior));

const ruleXml = (formula: string, extra = '') =>
  '<?xml version="1.0" encoding="UTF-8"?><ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">' +
  `<fullName>Rule</fullName><active>true</active><errorConditionFormula>${formula}</errorConditionFormula>` +
  `<errorMessage>Refused</errorMessage>${extra}</ValidationRule>`;

describe('validation rule formulas', () => {
  it.each([
    ['Size__c > 3', { Size__c: 4 }, true],
    ['Size__c >= 4', { Size__c: 4 }, true],
    ['Size__c <= 3.5', { Size__c: 4 }, false],
    ['Size__c = 4', { Size__c: 4 }, true],
    ['Size__c == 4', { Size__c: 4 }, true],
    ['Size__c <> 4', { Size__c: 4 }, false],
    ['Size__c != 5', { Size__c: 4 }, true],
    ['Name = "Acme"', { Name: 'Acme' }, true],
    ["Name = 'acme'", { Name: 'Acme' }, false],
    ['Name = ""', { Name: null }, true],
    ['Active__c = TRUE', { Active__c: true }, true],
    ['Seen__c > PRIORVALUE(Seen__c)', { Seen__c: '2026-01-01T11:00:00.000+0000' }, false],
    ['Due__c < PRIORVALUE(Due__c)', { Due__c: '2026-01-01' }, false],
    ['AND(Active__c, Size__c > 1, NOT(ISBLANK(Name)))', { Active__c: true, Size__c: 2, Name: 'x' }, true],
    ['OR(Active__c, Size__c > 1)', { Active__c: false, Size__c: 0 }, false],
    ['isnew()', {}, true],
    ['ISBLANK(Size__c)', { Size__c: null }, true],
    // A blank operand makes a comparison blank: the rule does not fire.
    ['Size__c < 3', { Size__c: null }, null],
    ['AND(Active__c, Size__c < 3)', { Active__c: true, Size__c: null }, null],
    ['OR(Active__c, Size__c < 3)', { Active__c: true, Size__c: null }, true],
    ['AND(Active__c, Size__c < 3)', { Active__c: false, Size__c: null }, false],
  ])('%s with %j is %s on create', (formula, values, expected) => {
    expect(run(formula, values)).toBe(expected);
  });

  it('compares with the stored values on update and the new ones on create', () => {
    const older = { Seen__c: '2026-01-01T10:00:00.000+0000' };
    const newer = { Seen__c: '2026-01-01T11:00:00.000+0000' };
    const formula = 'AND(NOT(ISNEW()), Seen__c < PRIORVALUE(Seen__c))';

    expect(run(formula, older, newer)).toBe(true);
    expect(run(formula, newer, older)).toBe(false);
    expect(run('Seen__c < PRIORVALUE(Seen__c)', older)).toBe(false);
    expect(run('Due__c < PRIORVALUE(Due__c)', { Due__c: '2026-01-01' }, { Due__c: '2026-01-02' })).toBe(true);
  });

  it.each([
    ['LEN(Name) > 3', 'function LEN() is not emulated'],
    ['Nope__c > 3', 'unknown field Nope__c on Widget__c'],
    ['Account.Name = "x"', 'unsupported syntax'],
    ['$User.Id = "x"', 'unsupported syntax'],
    ['Size__c > 1 && Active__c', 'unsupported syntax'],
    ['Size__c + 1 > 3', 'unsupported syntax'],
    ['Stage__c = "Won"', 'picklist field'],
    ['Name > "a"', 'operator > needs numbers, dates or date-times, not text'],
    ['Size__c = "4"', 'cannot compare number with text'],
    ['AND(Size__c, Active__c)', 'AND() expects Boolean arguments, received number'],
    ['NOT(Active__c, Active__c)', 'NOT() takes 1 argument(s), got 2'],
    ['ISNEW(Name)', 'ISNEW() takes 0 argument(s), got 1'],
    ['PRIORVALUE(1) = 1', 'PRIORVALUE() takes a field of the object'],
    ['1 < Size__c < 3', 'chained comparison'],
    ['Size__c', 'a validation formula must be Boolean, not number'],
    ['AND(Active__c', 'expected ) at offset 13, found end of formula'],
  ])('refuses %s', (formula, message) => {
    expect(() => parseFormula(formula, widget)).toThrow(message);
  });

  it('compiles a rule file into the documented error, and refuses what it cannot run naming the file', () => {
    const rule = parseValidationRuleXml(
      ruleXml('Size__c &gt; 3', '<errorDisplayField>Size__c</errorDisplayField>'),
      widget,
      'Rule.validationRule-meta.xml',
    );

    expect(rule?.check(record({ Size__c: 4 }))).toEqual({
      statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Refused',
      fields: ['Size__c'],
    });
    expect(rule?.check(record({ Size__c: 2 }))).toBeUndefined();
    expect(() => parseValidationRuleXml(ruleXml('LEN(Name) &gt; 3'), widget, 'Long.validationRule-meta.xml')).toThrow(
      'Long.validationRule-meta.xml: validation rule Rule: function LEN() is not emulated',
    );
    expect(() =>
      parseValidationRuleXml(ruleXml('Active__c', '<errorDisplayField>Nope__c</errorDisplayField>'), widget),
    ).toThrow('errorDisplayField Nope__c is not a field of Widget__c');
  });

  it('keeps an inactive rule out of the saves but still checks its formula', () => {
    const inactive = ruleXml('Active__c').replace('<active>true</active>', '<active>false</active>');

    expect(parseValidationRuleXml(inactive, widget)).toBeUndefined();
    expect(() => parseValidationRuleXml(inactive.replace('Active__c', 'LEN(Name)'), widget)).toThrow('LEN()');
  });

  it('loads the rules of an SFDX folder and fails the load on a formula it cannot run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sf-rules-'));
    await mkdir(join(dir, 'Account', 'validationRules'), { recursive: true });
    const file = join(dir, 'Account', 'validationRules', 'Name_Check.validationRule-meta.xml');
    await writeFile(file, ruleXml('Name = "blocked"'));

    const schema = await loadSchema(dir);
    await writeFile(file, ruleXml('CONTAINS(Name, "x")'));

    expect(schema.object('Account')?.rules.map((rule) => rule.name)).toEqual(['Rule']);
    await expect(loadSchema(dir)).rejects.toThrow(`${file}: validation rule Rule: function CONTAINS() is not emulated`);
  });
});
