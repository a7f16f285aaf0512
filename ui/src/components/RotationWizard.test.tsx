// The rotation wizard on a profile's page, against the fake platform's state machine: Rotate… only where
// there is something to rotate; an API key walked from its targets to retired, each step's plan, result and
// evidence; a refused deploy with its reason and Abort as the way on; the overlap holding retire back with a
// countdown; abort with its plan asked first; a rotation left half-way resumed from the banner; a client
// secret pasted into a password field; keyboard only, focus on each step's heading.
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import type { Strategy } from "../bindings/Strategy";
import {
  FAKE_NEW_FINGERPRINT,
  FAKE_OLD_FINGERPRINT,
  FAKE_PICKED_FILE,
  FAKE_READ_ONLY_DIR,
  fakeKey,
  fakeProfile,
  fakeRotation,
  type FakeProfileExtra,
} from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

const WHOAMI = "https://api.example.com/v1/whoami";

const maps = (extra: FakeProfileExtra = {}) =>
  fakeProfile("maps", {
    strategy: "api-key",
    apiKeyPlacement: "header:X-API-Key",
    apiBaseUrl: "https://api.example.com/v1",
    scopes: "read:users write:users",
    hasApiKey: true,
    status: "ready",
    ...extra,
  });

const wizard = () => screen.getByRole("region", { name: /^Rotate the/ });
const stepper = () => within(wizard()).getByRole("list", { name: "Rotation steps" });
const currentStep = () => stepper().querySelector("[aria-current=step]")?.textContent;
/** The heading of the step on screen, once it has the focus. */
async function stepHeading(name: RegExp) {
  const h = await within(wizard()).findByRole("heading", { level: 3, name });
  await waitFor(() => expect(document.activeElement).toBe(h));
  return h;
}

async function openWizard(user: ReturnType<typeof renderAt>["user"]) {
  await user.click(await screen.findByRole("button", { name: "Rotate…" }));
  return wizard();
}

describe("Rotate…", () => {
  const cases: [Strategy, boolean][] = [
    ["api-key", true],
    ["client-credentials", true],
    ["custom-oauth", true],
    ["private-key-jwt", true],
    ["pkce", false],
    ["saml-bearer", false],
    ["jwt-login", false],
    ["session", false],
  ];
  it.each(cases)("on a %s profile: %s", async (strategy, shown) => {
    renderAt("#/profiles/p", { profiles: [fakeProfile("p", { strategy })] });
    await screen.findByRole("heading", { level: 1, name: "p" });
    expect(screen.queryByRole("button", { name: "Rotate…" }) !== null).toBe(shown);
  });
});

describe("an API key rotation", () => {
  it("goes from its targets through deploy, verify and retire, each step's plan confirmed and its result shown", async () => {
    const { user, fake } = renderAt("#/profiles/maps", { profiles: [maps()] });
    await openWizard(user);
    await stepHeading(/Step 1 of 4: choose where the new API key goes/);
    expect(currentStep()).toContain("Choose targets");

    // The verify URL starts as the profile's API base URL.
    const verify = within(wizard()).getByLabelText(/Verify URL/);
    expect((verify as HTMLInputElement).value).toBe("https://api.example.com/v1");
    await user.clear(verify);
    await user.type(verify, WHOAMI);

    // A keys file, chosen in the (fake) native dialog, with its line template and a preview.
    await user.click(within(wizard()).getByRole("button", { name: "Add a file" }));
    await user.click(within(wizard()).getByRole("button", { name: "Choose…" }));
    await waitFor(() => expect((within(wizard()).getByLabelText("File") as HTMLInputElement).value).toBe(FAKE_PICKED_FILE));
    const line = within(wizard()).getByLabelText("Line template");
    await user.clear(line);
    await user.type(line, "{{key} {{name} {{scopes}");
    expect(within(wizard()).getByLabelText("Preview of the line").textContent).toContain("‹new API key› maps read:users,write:users");
    // A .env file beside it, typed.
    await user.click(within(wizard()).getByRole("button", { name: "Add a file" }));
    const paths = within(wizard()).getAllByLabelText("File");
    await user.type(paths[1]!, "/srv/app/.env");
    // The traffic check.
    await user.type(within(wizard()).getByLabelText("Traffic check"), "https://ops.example.com/usage/{{fingerprint}");

    await user.click(within(wizard()).getByRole("button", { name: "Create the new API key" }));
    await stepHeading(/The new API key is created/);
    expect(fake.callsTo("rotationStart")).toEqual([
      [
        "maps",
        {
          targets: [
            { kind: "file", path: FAKE_PICKED_FILE, line: "{key} {name} {scopes}" },
            { kind: "file", path: "/srv/app/.env", line: "API_KEY={key}" },
          ],
          verifyUrl: WHOAMI,
          checkOld: "https://ops.example.com/usage/{fingerprint}",
        },
        null,
      ],
    ]);
    expect(within(wizard()).getByRole("list", { name: "What was done" }).textContent).toContain(
      `new credential ${FAKE_NEW_FINGERPRINT} created; the old ${FAKE_OLD_FINGERPRINT} stays in use`,
    );

    // Deploy: the core's plan, then Confirm.
    await user.click(within(wizard()).getByRole("button", { name: "Next: Deploy" }));
    await stepHeading(/Step 2 of 4: deploy the new API key beside the old/);
    expect(currentStep()).toContain("Deploy");
    const plan = within(wizard()).getByRole("group", { name: "What this step will do" });
    expect(plan.textContent).toContain("Next: deploy the new credential beside the old.");
    expect(plan.textContent).toContain(`add the credential ${FAKE_NEW_FINGERPRINT} to file ${FAKE_PICKED_FILE} (the old ${FAKE_OLD_FINGERPRINT} stays valid)`);
    expect(fake.callsTo("rotationNext")).toEqual([]);
    await user.click(within(wizard()).getByRole("button", { name: "Confirm and deploy" }));
    await stepHeading(/Deployed: old and new are both valid/);
    expect(within(wizard()).getByRole("list", { name: "What was done" }).textContent).toContain(
      `added the new credential's line to ${FAKE_PICKED_FILE}; added the new credential's line to /srv/app/.env`,
    );

    // Verify: the probe's request and answer are the evidence.
    await user.click(within(wizard()).getByRole("button", { name: "Next: Verify" }));
    await stepHeading(/Step 3 of 4: verify the new API key/);
    expect(within(wizard()).getByRole("group", { name: "What this step will do" }).textContent).toContain(
      `GET ${WHOAMI} with the new credential: it must answer 2xx`,
    );
    await user.click(within(wizard()).getByRole("button", { name: "Confirm and verify" }));
    await stepHeading(/Verified: maps uses the new API key/);
    const verified = within(wizard()).getByRole("group", { name: "Evidence" });
    expect(verified.textContent).toContain(`GET ${WHOAMI}`);
    expect(verified.textContent).toContain("HTTP 200");
    expect(verified.textContent).toContain("as expected");

    // Retire: the traffic check's answer and the old key refused.
    await user.click(within(wizard()).getByRole("button", { name: "Next: Retire the old" }));
    await stepHeading(/Step 4 of 4: retire the old API key/);
    expect(within(wizard()).getByRole("group", { name: "What this step will do" }).textContent).toContain(
      `whether the old credential ${FAKE_OLD_FINGERPRINT} is still used: it must say "unused"`,
    );
    await user.click(within(wizard()).getByRole("button", { name: "Confirm and retire the old" }));
    await stepHeading(/Rotation complete: the old API key is retired/);
    const evidence = within(wizard()).getByRole("group", { name: "Evidence" });
    expect(evidence.textContent).toContain("Traffic check of the old credential");
    expect(evidence.textContent).toContain("unused");
    expect(evidence.textContent).toContain("The old credential, after retiring");
    expect(evidence.textContent).toContain("HTTP 401");
    expect(stepper().querySelectorAll(".step-done")).toHaveLength(4);
    expect(fake.rotations.get("maps")?.state).toBe("retired");
    expect(fake.callsTo("rotationNext")).toEqual([
      ["maps", false],
      ["maps", false],
      ["maps", false],
    ]);

    // Done closes it; no banner: nothing is under way.
    await user.click(within(wizard()).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("region", { name: /^Rotate the/ })).toBeNull();
    expect(screen.queryByRole("status", { name: "Rotation under way" })).toBeNull();
  });

  it("needs the verify URL and a line with {key}, and says so at the field", async () => {
    const { user, fake } = renderAt("#/profiles/maps", { profiles: [maps({ apiBaseUrl: undefined })] });
    await openWizard(user);
    await user.click(within(wizard()).getByRole("button", { name: "Add a file" }));
    const line = within(wizard()).getByLabelText("Line template");
    await user.clear(line);
    await user.type(line, "API_KEY=");
    expect(within(wizard()).getByText("The line must hold {key}, where the credential goes.")).toBeTruthy();
    await user.click(within(wizard()).getByRole("button", { name: "Create the new API key" }));

    expect(within(wizard()).getByText(/Required for an API key/)).toBeTruthy();
    expect(within(wizard()).getByText("Say which file, or choose it.")).toBeTruthy();
    expect(fake.callsTo("rotationStart")).toEqual([]);
    await waitFor(() => expect(document.activeElement?.getAttribute("aria-invalid")).toBe("true"));
  });

  it("a refused deploy shows the reason, offers no retry, and Abort is the way on", async () => {
    const { user, fake } = renderAt("#/profiles/maps", { profiles: [maps()] });
    await openWizard(user);
    await user.click(within(wizard()).getByRole("button", { name: "Add a file" }));
    await user.type(within(wizard()).getByLabelText("File"), `${FAKE_READ_ONLY_DIR}/keys.txt`);
    await user.click(within(wizard()).getByRole("button", { name: "Create the new API key" }));
    await user.click(await within(wizard()).findByRole("button", { name: "Next: Deploy" }));
    await user.click(await within(wizard()).findByRole("button", { name: "Confirm and deploy" }));

    const alert = await within(wizard()).findByRole("alert");
    expect(alert.textContent).toContain("The deploy step was refused");
    expect(alert.textContent).toContain(`could not write ${FAKE_READ_ONLY_DIR}/keys.txt: Permission denied`);
    expect(alert.textContent).toContain("Nothing was replayed, and the old API key is still in use");
    expect(alert.textContent).not.toMatch(/keyward rotate|run /);
    expect(within(wizard()).queryByRole("button", { name: /Confirm/ })).toBeNull();

    await user.click(within(wizard()).getByRole("button", { name: "Abort rotation…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Abort the rotation of maps?" });
    expect(dialog.textContent).toContain(`remove the new credential ${FAKE_NEW_FINGERPRINT} from file ${FAKE_READ_ONLY_DIR}/keys.txt`);
    await user.click(within(dialog).getByRole("button", { name: "Abort rotation" }));
    await stepHeading(/Rotation aborted: maps uses the old API key again/);
    expect(fake.rotations.get("maps")?.state).toBe("aborted");
  });

  it("a new key the API refuses at verify may be verified again, or aborted", async () => {
    const { user } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [fakeRotation("maps", "api-key", "deployed", { verifyUrl: "https://api.example.com/refuse" })],
    });
    await openWizard(user);
    await user.click(await within(wizard()).findByRole("button", { name: "Confirm and verify" }));
    const alert = await within(wizard()).findByRole("alert");
    expect(alert.textContent).toContain("The new API key did not work");
    expect(within(wizard()).getByRole("group", { name: "What the check saw" }).textContent).toContain("HTTP 401");
    expect(within(wizard()).getByRole("button", { name: "Verify again" })).toBeTruthy();
    expect(within(wizard()).getByRole("button", { name: "Abort rotation…" })).toBeTruthy();
  });

  it("the overlap holds retire back with a countdown, then lets it go", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { user, fake } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [fakeRotation("maps", "api-key", "verified", { verifyUrl: WHOAMI, deployedAt: now, overlapSecs: 2 })],
    });
    await openWizard(user);
    await stepHeading(/Step 4 of 4: retire the old API key/);
    const timer = within(wizard()).getByRole("timer", { name: "Overlap countdown" });
    expect(timer.textContent).toMatch(/retire in 0:0[12]/);
    const confirm = within(wizard()).getByRole("button", { name: "Confirm and retire the old" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);

    await waitFor(() => expect(within(wizard()).queryByRole("timer")).toBeNull(), { timeout: 4000 });
    await waitFor(() => expect((within(wizard()).getByRole("button", { name: "Confirm and retire the old" }) as HTMLButtonElement).disabled).toBe(false));
    await user.click(within(wizard()).getByRole("button", { name: "Confirm and retire the old" }));
    await stepHeading(/Rotation complete/);
    expect(fake.rotations.get("maps")?.state).toBe("retired");
  });

  it("a traffic check that sees the old key in use stops retire; Retire anyway forces it", async () => {
    const { user, fake } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [fakeRotation("maps", "api-key", "verified", { verifyUrl: WHOAMI, checkOld: "https://ops.example.com/in-use" })],
    });
    await openWizard(user);
    await user.click(await within(wizard()).findByRole("button", { name: "Confirm and retire the old" }));
    const alert = await within(wizard()).findByRole("alert");
    expect(alert.textContent).toContain("The old API key is still in use");
    expect(within(wizard()).getByRole("group", { name: "What the check saw" }).textContent).toContain("in use: 12 requests");
    await user.click(within(wizard()).getByRole("button", { name: "Retire anyway" }));
    await stepHeading(/Rotation complete/);
    expect(fake.callsTo("rotationNext").at(-1)).toEqual(["maps", true]);
  });
});

describe("a rotation left half-way", () => {
  it("shows on the profile page and the wizard resumes at its next step", async () => {
    const { user } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [fakeRotation("maps", "api-key", "deployed", { verifyUrl: WHOAMI })],
    });
    const banner = await screen.findByRole("status", { name: "Rotation under way" });
    expect(banner.textContent).toContain("Rotation under way: deployed");
    expect(banner.textContent).toContain("Next: verify the new credential and switch the profile to it.");
    await user.click(within(banner).getByRole("button", { name: "Continue" }));

    await stepHeading(/Step 3 of 4: verify the new API key/);
    expect(currentStep()).toContain("Verify");
    expect(stepper().querySelectorAll(".step-done")).toHaveLength(2);
    expect(screen.queryByRole("status", { name: "Rotation under way" })).toBeNull();

    // Closing keeps it under way, and the banner comes back.
    await user.click(within(wizard()).getByRole("button", { name: "Close (continue later)" }));
    expect(await screen.findByRole("status", { name: "Rotation under way" })).toBeTruthy();
  });

  it("once retiring has begun it can only be finished: no Abort, and Retire again goes on", async () => {
    const base = fakeRotation("maps", "api-key", "verified", { verifyUrl: WHOAMI });
    const at = new Date(base.startedAt * 1000).toISOString();
    const journal: typeof base.journal = [
      ...base.journal,
      { at, step: "verify", phase: "done", detail: `HTTP 200; maps now uses ${FAKE_NEW_FINGERPRINT}` },
      { at, step: "retire", phase: "started", detail: `retiring ${FAKE_OLD_FINGERPRINT}` },
      { at, step: "retire", phase: "failed", detail: "command `hook` refused: vault is sealed" },
    ];
    const { user } = renderAt("#/profiles/maps", { profiles: [maps()], rotations: [{ ...base, journal }] });
    const banner = await screen.findByRole("status", { name: "Rotation under way" });
    await user.click(within(banner).getByRole("button", { name: "Continue" }));

    await stepHeading(/Step 4 of 4: retire the old API key/);
    expect(within(wizard()).getByText(/this rotation can only be finished, not\s+aborted/)).toBeTruthy();
    expect(within(wizard()).queryByRole("button", { name: "Abort rotation…" })).toBeNull();
    const refused = within(wizard()).getByRole("alert");
    expect(refused.textContent).toContain("A target did not retire the old API key");
    expect(refused.textContent).toContain("command `hook` refused: vault is sealed");
    expect(refused.textContent).toContain("retire again to finish the rotation");
    await user.click(within(wizard()).getByRole("button", { name: "Retire again" }));
    await within(wizard()).findByRole("heading", { level: 3, name: /Rotation complete: the old API key is retired/ });
  });

  it("abort asks first with what it will do, then restores the old key", async () => {
    const { user, fake } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [
        fakeRotation("maps", "api-key", "verified", { verifyUrl: WHOAMI, targets: [{ kind: "file", path: "/srv/app/.env", line: "API_KEY={key}" }] }),
      ],
    });
    await user.click(await screen.findByRole("button", { name: "Continue" }));
    await stepHeading(/Step 4 of 4/);
    await user.click(within(wizard()).getByRole("button", { name: "Abort rotation…" }));
    const dialog = await screen.findByRole("alertdialog", { name: "Abort the rotation of maps?" });
    expect(dialog.textContent).toContain(`remove the new credential ${FAKE_NEW_FINGERPRINT} from file /srv/app/.env`);
    expect(dialog.textContent).toContain(`switch maps back to the old credential ${FAKE_OLD_FINGERPRINT}`);
    // Cancel changes nothing.
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(fake.callsTo("rotationAbort")).toEqual([]);

    await user.click(within(wizard()).getByRole("button", { name: "Abort rotation…" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Abort rotation" }));
    await stepHeading(/Rotation aborted: maps uses the old API key again/);
    expect(within(wizard()).getByRole("list", { name: "What was done" }).textContent).toContain(
      `new credential ${FAKE_NEW_FINGERPRINT} removed; maps uses ${FAKE_OLD_FINGERPRINT} again`,
    );
    expect(fake.rotations.get("maps")?.state).toBe("aborted");
    await user.click(within(wizard()).getByRole("button", { name: "Done" }));
    expect(screen.queryByRole("status", { name: "Rotation under way" })).toBeNull();
  });

  it("is driven by the keyboard alone, focus on each step's heading", async () => {
    const { user, fake } = renderAt("#/profiles/maps", {
      profiles: [maps()],
      rotations: [fakeRotation("maps", "api-key", "created", { verifyUrl: WHOAMI })],
    });
    const cont = await screen.findByRole("button", { name: "Continue" });
    cont.focus();
    await user.keyboard("{Enter}");
    await stepHeading(/Step 2 of 4/);
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Abort rotation…");
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Confirm and deploy");
    await user.keyboard("{Enter}");
    await stepHeading(/Deployed/);
    await user.tab();
    await user.tab();
    expect(document.activeElement?.textContent).toBe("Next: Verify");
    await user.keyboard("{Enter}");
    await stepHeading(/Step 3 of 4/);
    expect(fake.rotations.get("maps")?.state).toBe("deployed");
  });
});

describe("other kinds", () => {
  it("a client secret is pasted into a password field and crosses once, to the start", async () => {
    const { user, fake } = renderAt("#/profiles/m2m", {
      profiles: [fakeProfile("m2m", { strategy: "client-credentials", url: "https://auth.example.com/token", hasClientSecret: true })],
    });
    await openWizard(user);
    await stepHeading(/choose where the new client secret goes/);
    const secret = within(wizard()).getByLabelText(/New client secret/) as HTMLInputElement;
    expect(secret.type).toBe("password");
    await user.click(within(wizard()).getByRole("button", { name: "Start with this secret" }));
    expect(within(wizard()).getByText("Paste the new client secret from the provider's dashboard.")).toBeTruthy();
    await user.type(secret, "s3cr3t-from-dashboard");
    await user.click(within(wizard()).getByRole("button", { name: "Start with this secret" }));
    await stepHeading(/The new client secret is created/);
    expect(fake.callsTo("rotationStart")[0]).toEqual(["m2m", { targets: [] }, "s3cr3t-from-dashboard"]);
    expect(document.body.textContent).not.toContain("s3cr3t-from-dashboard");
  });

  it("a key pair is published in a JWKS file, not a line", async () => {
    const { user } = renderAt("#/profiles/redox", {
      profiles: [fakeProfile("redox", { strategy: "private-key-jwt", url: "https://auth.example.com/token", keyName: "signing" })],
      keys: [fakeKey("signing")],
    });
    await openWizard(user);
    await stepHeading(/choose where the new key pair goes/);
    expect(within(wizard()).queryByRole("button", { name: "Add a file" })).toBeNull();
    await user.click(within(wizard()).getByRole("button", { name: "Add a JWKS file" }));
    expect(within(wizard()).getByLabelText("JWKS file")).toBeTruthy();
    expect(within(wizard()).queryByLabelText("Line template")).toBeNull();
  });

  it("an error that is not the rotation's own goes through the notice, with no command to type", async () => {
    const { user, fake } = renderAt("#/profiles/maps", { profiles: [maps()] });
    fake.failNext("rotationStart", { code: "keychain", message: "the keychain is locked", remedy: { kind: "unlockKeychain" } });
    await openWizard(user);
    await user.click(within(wizard()).getByRole("button", { name: "Create the new API key" }));
    const alert = await within(wizard()).findByRole("alert");
    expect(alert.textContent).toContain("Unlock your keychain");
    expect(alert.textContent).not.toMatch(/keyward /);
  });
});
