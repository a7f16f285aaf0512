// The Keys page against the fake platform: the list, generating (RSA asks for a size), importing PEM, a
// refused import, and the JWKS of the keys picked, copied and saved by the backend.
import { cleanup, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { fakeKey } from "../platform/fake-data";
import { renderAt } from "../test-utils";

afterEach(() => {
  cleanup();
  window.location.hash = "";
});

describe("Keys", () => {
  it("lists the key pairs with algorithm and kid, and shows the JWKS of all of them", async () => {
    renderAt("#/keys", { keys: [fakeKey("signing"), fakeKey("rsa", "RS384")] });

    const table = await screen.findByRole("table", { name: "Key pairs" });
    expect(within(table).getAllByRole("row")).toHaveLength(3);
    expect(table.textContent).toContain("kid-signing");
    const jwks = await screen.findByLabelText("JWKS");
    await waitFor(() => expect(JSON.parse(jwks.textContent!).keys.map((k: { kid: string }) => k.kid)).toEqual(["kid-signing", "kid-rsa"]));
  });

  it("narrows the JWKS to the keys ticked, then copies and saves it from the backend", async () => {
    const { user, fake } = renderAt("#/keys", { keys: [fakeKey("a"), fakeKey("b")] });
    await user.click(await screen.findByRole("checkbox", { name: "Include b in the JWKS" }));

    await waitFor(() => expect(JSON.parse(screen.getByLabelText("JWKS").textContent!).keys).toHaveLength(1));
    await user.click(screen.getByRole("button", { name: "Copy JWKS" }));
    expect(await screen.findByText("JWKS copied to the clipboard.")).toBeTruthy();
    expect(fake.callsTo("copyJwks")).toEqual([[["b"]]]);
    await user.click(screen.getByRole("button", { name: "Save JWKS…" }));
    expect(await screen.findByText("Saved to /home/you/jwks.json.")).toBeTruthy();
  });

  it("generates a key: RSA algorithms ask for a size, EC ones do not", async () => {
    const { user, fake } = renderAt("#/keys", { keys: [] });
    expect(await screen.findByRole("region", { name: "No keys yet" })).toBeTruthy();

    await user.type(screen.getByLabelText(/^Name/), "signing");
    expect(screen.queryByLabelText("RSA key size")).toBeNull();
    await user.selectOptions(screen.getByLabelText("Algorithm"), "RS384");
    await user.selectOptions(screen.getByLabelText("RSA key size"), "4096");
    await user.click(screen.getByRole("button", { name: "Generate key pair" }));

    expect(await screen.findByText(/Key signing \(RS384\) is ready/)).toBeTruthy();
    expect(fake.callsTo("keyNew")).toEqual([["signing", "RS384", 4096, null]]);
    expect(await screen.findByRole("table", { name: "Key pairs" })).toBeTruthy();
  });

  it("imports a pasted PEM, and says what is wrong with one it refuses", async () => {
    const { user, fake } = renderAt("#/keys", { keys: [] });
    await user.click(await screen.findByRole("tab", { name: "Import PEM" }));
    expect(screen.getByRole("tab", { name: "Import PEM" }).getAttribute("aria-selected")).toBe("true");

    await user.type(screen.getByLabelText(/^Name/), "byok");
    await user.type(screen.getByLabelText("Private key (PEM)"), "not a key");
    await user.click(screen.getByRole("button", { name: "Import key" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Check what was entered");
    expect(alert.textContent).toContain("not a PEM private key");

    await user.clear(screen.getByLabelText("Private key (PEM)"));
    await user.type(screen.getByLabelText("Private key (PEM)"), "-----BEGIN PRIVATE KEY-----");
    await user.click(screen.getByRole("button", { name: "Import key" }));
    expect(await screen.findByText(/Key byok \(ES384\) is ready/)).toBeTruthy();
    expect(fake.callsTo("keyImport")[1]).toEqual(["byok", "-----BEGIN PRIVATE KEY-----", null, null]);
  });

  it("moves between Generate and Import with the arrow keys", async () => {
    const { user } = renderAt("#/keys", { keys: [] });
    (await screen.findByRole("tab", { name: "Generate" })).focus();
    await user.keyboard("{ArrowRight}");
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "Import PEM" }));
    expect(screen.getByRole("tabpanel").id).toBe("key-panel-import");
  });
});
