/** promotion.json: what each stage deploys, and every refusal naming the file, the field and the allowed values. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrandRegistry } from '../../lib/config/registry';
import { loadPromotion, parsePromotion, PROMOTION_STAGES } from '../../lib/pipeline/promotion';

const registry = BrandRegistry.load();
const noContext = () => undefined;

/** A valid promotion document; `edit` changes a copy. */
function promotionDoc(edit: (doc: any) => void = () => undefined): any {
  const doc = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'promotion.json'), 'utf8'));
  edit(doc);
  return doc;
}

test('promotion.json: four stages in order, each brand in its regions with its BrandStack stage and account', () => {
  const promotion = loadPromotion(registry, noContext);
  expect(promotion.stages.map((s) => s.name)).toEqual(['test', 'staging', 'preprod', 'prod']);
  expect(promotion.pipeline).toEqual({ account: '111111111111', region: 'eu-central-1' });
  const summary = promotion.stages.map((s) => `${s.name}@${s.account}: ${s.deployments.map((d) => `${d.target.brand.id}/${d.target.region.code}/${d.target.stage.name}`).join(' ')}`);
  expect(summary).toEqual([
    'test@222222222222: acme/eu-central-1/low koala/ap-southeast-2/low',
    'staging@333333333333: acme/eu-central-1/low koala/ap-southeast-2/low',
    'preprod@444444444444: acme/eu-central-1/high koala/ap-southeast-2/high',
    'prod@555555555555: acme/eu-central-1/high acme/eu-west-1/high koala/ap-southeast-2/high koala/ap-southeast-4/high',
  ]);
  const koalaProd = promotion.stages[3].deployments.find((d) => d.target.brand.id === 'koala')!;
  // The smoke client's credentials are no longer named here: each BrandStack creates them in its own account.
  expect(koalaProd.smoke).toEqual({ tenant: 'koala-mobile' });
});

test('context overrides the source', () => {
  const context: Record<string, string> = {
    'pipeline:repository': 'acme-platform/brandstack',
    'pipeline:branch': 'release/2026-11',
    'pipeline:connectionArn': 'arn:aws:codestar-connections:eu-west-1:999999999999:connection/12345678-1234-1234-1234-123456789012',
  };
  expect(loadPromotion(registry, (key) => context[key]).source).toEqual({
    repository: 'acme-platform/brandstack',
    branch: 'release/2026-11',
    connectionArn: 'arn:aws:codestar-connections:eu-west-1:999999999999:connection/12345678-1234-1234-1234-123456789012',
  });
});

test.each([
  ['pipeline:branch', 'bad..branch', "Context 'pipeline:branch' must be a git branch name (got \"bad..branch\")"],
  ['pipeline:repository', 'no-owner', "Context 'pipeline:repository' must be an owner/name repository (got \"no-owner\")"],
  ['pipeline:connectionArn', 'arn:aws:s3:::bucket', "Context 'pipeline:connectionArn' must be a CodeStar connection ARN"],
])('bad context %s is refused', (key, value, message) => {
  expect(() => loadPromotion(registry, (k) => (k === key ? value : undefined))).toThrow(message);
});

test.each<[string, (doc: any) => void, string]>([
  ['a region outside the brand\'s residency', (d) => (d.stages.prod.brands[1].regions = ['ap-southeast-2', 'eu-west-1']),
    "promotion.json: field 'stages.prod.brands[1].regions[1]' 'eu-west-1' is not allowed for brand 'koala' (data residency); allowed regions: ap-southeast-2, ap-southeast-4"],
  ['no regions', (d) => (d.stages.test.brands[0].regions = []),
    "promotion.json: field 'stages.test.brands[0].regions' must list at least one region; allowed regions for 'acme': eu-central-1, eu-west-1"],
  ['a duplicated region', (d) => (d.stages.prod.brands[0].regions = ['eu-west-1', 'eu-west-1']),
    "promotion.json: field 'stages.prod.brands[0].regions' lists 'eu-west-1' more than once"],
  ['an unknown brand', (d) => (d.stages.test.brands[0].brand = 'initech'),
    "promotion.json: field 'stages.test.brands[0].brand' 'initech' is not a brand; known brands: acme, koala"],
  ['a BrandStack stage that does not exist', (d) => (d.stages.prod.brands[0].stage = 'production'),
    "promotion.json: field 'stages.prod.brands[0].stage' must be one of: low, high (got \"production\")"],
  ['a missing stage', (d) => delete d.stages.preprod,
    "promotion.json: field 'stages.preprod' is required: every release goes through test → staging → preprod → prod"],
  ['an extra stage', (d) => (d.stages.qa = d.stages.test),
    "promotion.json: field 'stages.qa' is not a known field; known fields: test, staging, preprod, prod"],
  ['a stage with no brands', (d) => (d.stages.staging.brands = []),
    "promotion.json: field 'stages.staging.brands' must list at least one brand"],
  ['a brand that skips a stage', (d) => (d.stages.preprod.brands = d.stages.preprod.brands.filter((b: any) => b.brand !== 'koala')),
    "promotion.json: field 'stages.prod.brands[1].brand' promotes 'koala' to prod, but preprod does not deploy it; a release reaches prod only through preprod"],
  ['a brand listed twice in a stage', (d) => d.stages.test.brands.push({ brand: 'acme', regions: ['eu-west-1'], stage: 'low' }),
    "promotion.json: field 'stages.test.brands[2].brand' lists 'acme' a second time in test; put all its regions in one entry"],
  ['an account that is not 12 digits', (d) => (d.stages.prod.account = '5555'),
    "promotion.json: field 'stages.prod.account' must be a 12-digit AWS account id (got '5555')"],
  ['two stages deploying the same stack into one account', (d) => (d.stages.staging.account = d.stages.test.account),
    "promotion.json: field 'stages.staging.account' '222222222222' is also test's account, and both deploy 'acme' as stage low in eu-central-1"],
  ['a smoke tenant the brand does not have', (d) => (d.stages.test.brands[0].smoke = { tenant: 'koala-mobile' }),
    "promotion.json: field 'stages.test.brands[0].smoke.tenant' 'koala-mobile' is not a customer of 'acme'; customers: acme-retail, acme-wholesale, globex"],
  ['a smoke client secret in the pipeline account, which BrandStack now creates in the target account', (d) => (d.stages.prod.brands[0].smoke = { tenant: 'acme-retail', clientSecret: 'brandstack/smoke/prod/acme' }),
    "promotion.json: field 'stages.prod.brands[0].smoke.clientSecret' is no longer used: each BrandStack creates its smoke client and keeps the secret in the target account, where the pipeline reads it through the stack's smoke reader role; remove the field"],
  ['a smoke field it does not know', (d) => (d.stages.prod.brands[0].smoke = { tenant: 'acme-retail', client: 'smoke' }),
    "promotion.json: field 'stages.prod.brands[0].smoke.client' is not a known field; known fields: tenant"],
  ['a malformed connection ARN', (d) => (d.source.connectionArn = 'arn:aws:codeconnections:eu-central-1:111111111111:connection/xyz'),
    "promotion.json: field 'source.connectionArn' must be a CodeStar connection ARN"],
  ['a pipeline region outside the catalog', (d) => (d.pipeline.region = 'mars-1'),
    "promotion.json: field 'pipeline.region' 'mars-1' is not in the region catalog"],
  ['an unknown field', (d) => (d.stages.test.brands[0].regoins = ['eu-central-1']),
    "promotion.json: field 'stages.test.brands[0].regoins' is not a known field; known fields: brand, regions, stage, smoke"],
])('refuses %s', (_name, edit, message) => {
  expect(() => parsePromotion('promotion.json', promotionDoc(edit), registry)).toThrow(message);
});

test('a file that is not JSON is refused naming the file', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'promotion-')), 'promotion.json');
  fs.writeFileSync(file, '{ "source": ');
  expect(() => loadPromotion(registry, noContext, file)).toThrow(/^promotion\.json: cannot be read as JSON/);
});

test('the promotion order is fixed', () => {
  expect(PROMOTION_STAGES).toEqual(['test', 'staging', 'preprod', 'prod']);
});
