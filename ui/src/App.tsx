// The app without its platform: the shell and the pages, given a Platform (Tauri in the app, a fake in tests
// and previews).
import { AppShell } from "./components/AppShell";
import { PlatformProvider } from "./lib/platform-context";
import { ProfilesPage } from "./pages/ProfilesPage";
import type { Platform } from "./platform/platform";

const SECTIONS = [{ id: "profiles", label: "Profiles" }];

export function App({ platform }: { platform: Platform }) {
  return (
    <PlatformProvider platform={platform}>
      <AppShell sections={SECTIONS} current="profiles">
        <ProfilesPage />
      </AppShell>
    </PlatformProvider>
  );
}
