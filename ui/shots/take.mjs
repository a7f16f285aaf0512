// Screenshots of the window over the fake platform in headless Chromium: node ui/shots/take.mjs URL OUTDIR
import { createRequire } from "node:module";

// playwright-core is installed with the test rig (tests/package.json), not in ui/.
const { chromium } = createRequire(new URL("../../tests/package.json", import.meta.url))("playwright-core");

const [url, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const shot = (name) => page.screenshot({ path: `${out}/${name}.png` });

await page.goto(`${url}#/profiles`);
await page.getByText("Rotation due").first().waitFor();
await page.evaluate(() => window.fake.emit({ kind: "credentialChanged", name: "github", state: "refreshing" }));
await page.getByText("Refreshing…").waitFor();
await shot("live-list-refreshing-rotation-due");

await page.goto(`${url}#/profiles/github`);
await page.getByRole("heading", { name: "github", level: 1 }).waitFor();
await page.waitForTimeout(300);
await page.evaluate(() =>
  window.fake.emit({
    kind: "refreshFailed",
    name: "github",
    error: { code: "loginAgain", message: "the provider refused the refresh token (invalid_grant): the grant is gone", remedy: { kind: "logIn", profile: "github" } },
  }),
);
await page.getByLabel("Background refresh failed").waitFor();
await shot("live-refresh-failed");

await page.goto(`${url}#/profiles/billing`);
await page.getByRole("status", { name: "Rotation due" }).waitFor();
await shot("rotation-due-offer");

await page.goto(`${url}#/keys`);
const form = page.getByRole("form", { name: "Generate API key" });
await form.getByLabel("Profile name").fill("payments");
await form.getByLabel("Prefix").fill("rk_live_");
await form.getByLabel("Scopes").fill("read:users write:users");
await form.getByLabel("Expires after (days)").fill("90");
await form.getByRole("button", { name: "Generate API key" }).click();
await page.getByRole("dialog").waitFor();
await page.getByRole("dialog").getByRole("button", { name: "Copy" }).click();
await page.getByText(/cleared in 60 seconds/).waitFor();
await shot("apikey-reveal-once");
await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
await page.getByLabel("The new API key").scrollIntoViewIfNeeded();
await shot("apikey-after-close");

await page.goto(`${url}#/keys`);
const cert = page.getByRole("form", { name: "Make certificate" });
await cert.getByLabel("Subject").fill("CN=keyward-client,O=Example");
await cert.getByRole("button", { name: "Make certificate" }).click();
await page.getByLabel("Certificate (PEM)").waitFor();
await page.getByLabel("Certificate (PEM)").scrollIntoViewIfNeeded();
await shot("key-certificate");
await browser.close();
