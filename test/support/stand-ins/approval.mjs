/**
 * An ECS task for `ecs:runTask.waitForTaskToken`: it starts at once and answers its task token
 * after 15 minutes of the engine's clock.
 */
export function handler(parameters, context) {
  void (async () => {
    await context.sleep(15 * 60_000);
    context.sendTaskSuccess({ approvedBy: 'stand-in', sawToken: parameters.Token === context.taskToken });
  })().catch(() => {}); // the execution ended before: its token answers no longer
  return { Tasks: [{ TaskArn: 'arn:aws:ecs:us-east-1:123456789012:task/local/1' }] };
}
