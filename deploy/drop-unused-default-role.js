/**
 * serverless-iam-roles-per-function gives every function its own role, but it needs the
 * framework's default `IamRoleLambdaExecution` as a template, and the framework grants that role
 * the queue rights of every SQS event source. No function assumes it afterwards, so it would be a
 * role with rights and no purpose: this plugin removes it once no resource refers to it.
 * List it after serverless-iam-roles-per-function: plugins run their hooks in the order listed.
 */
export default class DropUnusedDefaultRole {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.dropUnusedDefaultRole() };
  }

  dropUnusedDefaultRole() {
    const provider = this.serverless.getProvider('aws');
    const roleId = provider.naming.getRoleLogicalId();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    if (!resources[roleId]) return;
    const others = Object.entries(resources).filter(([logicalId]) => logicalId !== roleId);
    // A Ref, a GetAtt, a DependsOn or a Sub all name the logical id as a whole word.
    const referenced = new RegExp(`(?<![A-Za-z0-9])${roleId}(?![A-Za-z0-9])`).test(JSON.stringify(others));
    if (!referenced) delete resources[roleId];
  }
}
