/**
 * Local runs may lack a tool (Chromium, mosquitto, the registry) and skip with a reason; CI
 * installs them all, so there a missing tool is a failure, never a silent skip.
 */
export function skipUnlessCi(ctx: Mocha.Context, reason: string): never {
  if (process.env.CI) throw new Error(`CI cannot skip: ${reason}`);
  console.log(`      SKIPPED: ${reason}`);
  ctx.skip();
}
