import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import { Construct } from 'constructs';
import type { Promotion } from './promotion';
import { postureVerificationStep, preflightStep, smokeTestStep } from './deployment-steps';
import { BrandStage } from './brand-stage';
import { useConnectionStatements } from './source-connection';

export interface PipelineStackProps extends StackProps {
  /** Source, pipeline account and region, and what each stage deploys (promotion.json). */
  readonly promotion: Promotion;
}

/** The command that synthesizes this stack; the pipeline's synth step runs it, and self-mutation deploys its output. */
export const PIPELINE_SYNTH_COMMAND = 'npx cdk synth PipelineStack';

/**
 * The release pipeline: source → synth (npm ci, npm test, cdk synth) → test →
 * staging → preprod → manual approval → prod. Each stage is a wave with one
 * BrandStage per brand and region, deployed in parallel, each preceded by
 * `brandstack preflight` and followed by a smoke test and `brandstack verify`.
 */
/**
 * What `npm test` needs on the CodeBuild standard image (Ubuntu 22.04), the same services
 * developers' machines run: PostgreSQL (password auth on loopback), RabbitMQ (guest/guest on
 * loopback), MongoDB Community 8.0 on loopback (so the MongoDB contract suites run for real here,
 * https://www.mongodb.com/docs/v8.0/tutorial/install-mongodb-on-ubuntu/), and a Chromium-family
 * browser at /usr/bin/chromium for the browser tests. Ubuntu 22.04 ships Chromium only as a snap,
 * which does not run in a build container, so the build host takes Google's Chrome package and
 * links it where the tests look (test/runtime/helpers/browser.ts).
 */
export const TEST_SERVICES_INSTALL_COMMANDS = [
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql rabbitmq-server gnupg curl',
  'pg_ctlcluster $(ls /etc/postgresql) main start',
  "su postgres -c \"psql -qc \\\"ALTER USER postgres PASSWORD 'postgres'\\\"\" && su postgres -c 'createdb test'",
  'rabbitmq-server -detached && timeout 60 sh -c "until rabbitmq-diagnostics -q ping; do sleep 2; done"',
  'curl -fsSL https://www.mongodb.org/static/pgp/server-8.0.asc | gpg --dearmor -o /usr/share/keyrings/mongodb-server-8.0.gpg',
  'echo "deb [ arch=amd64,arm64 signed-by=/usr/share/keyrings/mongodb-server-8.0.gpg ] https://repo.mongodb.org/apt/ubuntu jammy/mongodb-org/8.0 multiverse" > /etc/apt/sources.list.d/mongodb-org-8.0.list',
  'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mongodb-org',
  'mkdir -p /tmp/mongo && mongod --fork --bind_ip 127.0.0.1 --dbpath /tmp/mongo --logpath /tmp/mongod.log',
  'test -x /usr/bin/chromium || (curl -fsSLo /tmp/chrome.deb https://dl.google.com/linux/direct/google-chrome-stable_current_amd64.deb && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq /tmp/chrome.deb && ln -sf /usr/bin/google-chrome /usr/bin/chromium)',
];

/** Where `npm test` on the build host finds its services. */
export const TEST_SERVICES_ENV = {
  BRANDSTACK_TEST_PG_URL: 'postgres://postgres:postgres@127.0.0.1:5432/test',
  BRANDSTACK_TEST_MONGO_URL: 'mongodb://127.0.0.1:27017',
};

export class PipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  /**
   * The stacks CodePipeline adds beside this one for the artifact replication
   * bucket of each deployment region other than the pipeline's.
   */
  readonly supportStacks: Stack[];

  constructor(scope: Construct, id: string, props: PipelineStackProps) {
    const { promotion } = props;
    super(scope, id, {
      description: 'brandstack: release pipeline promoting BrandStacks test → staging → preprod → prod',
      ...props,
      env: { account: promotion.pipeline.account, region: promotion.pipeline.region },
    });

    const source = CodePipelineSource.connection(promotion.source.repository, promotion.source.branch, {
      connectionArn: promotion.source.connectionArn,
    });
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      // V2: billed per action-minute rather than per pipeline, and the type AWS now creates by default.
      pipelineType: PipelineType.V2,
      // Stage accounts differ from the pipeline's: artifacts are encrypted with a
      // KMS key the stage accounts' deploy roles are granted.
      crossAccountKeys: true,
      enableKeyRotation: true,
      // package.json requires Node.js 20; the CodeBuild standard image defaults to an older one.
      codeBuildDefaults: {
        buildEnvironment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0 },
        partialBuildSpec: codebuild.BuildSpec.fromObject({ phases: { install: { 'runtime-versions': { nodejs: '20' } } } }),
      },
      synth: new ShellStep('Synth', {
        input: source,
        // The runtime's integration tests talk to a real PostgreSQL and RabbitMQ,
        // as on developers' machines: install and start both on the build host.
        installCommands: TEST_SERVICES_INSTALL_COMMANDS,
        env: TEST_SERVICES_ENV,
        commands: ['npm ci', 'npm test', PIPELINE_SYNTH_COMMAND],
      }),
    });

    for (const stage of promotion.stages) {
      const wave = this.pipeline.addWave(stage.name, {
        pre: stage.name === 'prod' ? [new ManualApprovalStep('PromoteToProd', { comment: 'preprod is verified; promote this release to prod?' })] : [],
      });
      for (const deployment of stage.deployments) {
        const { brand, region } = deployment.target;
        // CDK Pipelines names a wave of one Stage after that Stage: give it the
        // promotion stage's name so the pipeline always reads test → staging → preprod → prod.
        const id = stage.deployments.length === 1 ? stage.name : `${stage.name}-${brand.id}-${region.code}`;
        // Beside this stack, not inside it: the stack holds only the pipeline's own resources.
        const brandStage = new BrandStage(scope, id, {
          target: deployment.target,
          account: deployment.account,
          smokeTest: { tenant: deployment.smoke.tenant, readerAccount: promotion.pipeline.account },
        });
        wave.addStage(brandStage, {
          pre: [preflightStep('Preflight', source, deployment, this)],
          post: [
            smokeTestStep('SmokeTest', source, deployment, this, brandStage.brandStack.smokeClient.secretArnOutput),
            postureVerificationStep('VerifyPosture', source, deployment, this),
          ],
        });
      }
    }
    // Built now rather than at synthesis so that its constructs (and the
    // cross-region support stacks) exist when acknowledgements are applied.
    this.pipeline.buildPipeline();
    this.grantSourceConnection(promotion.source.connectionArn);
    const crossRegionSupport = Object.values(this.pipeline.pipeline.crossRegionSupport);
    // CodePipeline names each replication bucket (a fixed physical name) and retains it. Kept on
    // update and delete, but removed when the support stack's first create rolls back (it is empty
    // then), so a retried create does not collide with the leftover name:
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html (RetainExceptOnCreate)
    for (const support of crossRegionSupport) support.replicationBucket.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    this.supportStacks = crossRegionSupport.map((support) => support.stack);
  }

  /**
   * The source action's role may use the connection under both service prefixes
   * (lib/pipeline/source-connection.ts). CDK Pipelines gives no handle on that role:
   * CodePipeline creates it in the source action's scope, under the `Source` stage.
   */
  private grantSourceConnection(connectionArn: string): void {
    const sourceStage = this.pipeline.pipeline.node.findChild('Source');
    const roles = sourceStage.node.findAll().filter((c): c is iam.Role => c instanceof iam.Role);
    if (roles.length !== 1) throw new Error(`PipelineStack: expected one source action role under ${sourceStage.node.path}, found ${roles.length}`);
    for (const statement of useConnectionStatements(connectionArn)) roles[0].addToPrincipalPolicy(statement);
  }
}
