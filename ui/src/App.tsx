// The app without its platform: the shell, the strategies, and the page the route names, given a Platform
// (Tauri in the app, a fake in tests and previews).
import { AppShell, type Section } from "./components/AppShell";
import { PlatformProvider } from "./lib/platform-context";
import { href, sectionOf, useRoute, type Route } from "./lib/routes";
import { StrategiesProvider } from "./lib/strategies";
import { AddProfilePage } from "./pages/AddProfilePage";
import { AuditPage } from "./pages/AuditPage";
import { EditProfilePage } from "./pages/EditProfilePage";
import { InspectorPage } from "./pages/InspectorPage";
import { KeysPage } from "./pages/KeysPage";
import { ProfilePage } from "./pages/ProfilePage";
import { ProfilesPage } from "./pages/ProfilesPage";
import { TeamsPage } from "./pages/TeamsPage";
import type { Platform } from "./platform/platform";

const SECTIONS: Section[] = [
  {
    id: "profiles",
    label: "Profiles",
    href: "#/profiles",
    icon: "M16 20v-1.5a3.5 3.5 0 0 0-3.5-3.5h-5A3.5 3.5 0 0 0 4 18.5V20M10 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7M20 20v-1.5a3.5 3.5 0 0 0-2.5-3.35M15.5 4.15a3.5 3.5 0 0 1 0 6.7",
  },
  {
    id: "keys",
    label: "Keys",
    href: "#/keys",
    icon: "M8.5 16a4 4 0 1 1 0-8 4 4 0 0 1 0 8M12.5 12H21M18 12v3M21 12v2",
  },
  {
    id: "inspect",
    label: "Inspector",
    href: "#/inspect",
    icon: "M10.5 17a6.5 6.5 0 1 0 0-13 6.5 6.5 0 0 0 0 13M15.2 15.2 20 20M7.8 10.6l1.9 1.9 3.6-3.8",
  },
  {
    id: "teams",
    label: "Teams",
    href: "#/teams",
    icon: "M4 6h16v13H4zM4 10h16M12 14v2M9 3v3M15 3v3",
  },
  {
    id: "audit",
    label: "Audit log",
    href: "#/audit",
    icon: "M7 3h8l4 4v14H7zM15 3v4h4M10 11h6M10 14.5h6M10 18h4",
  },
];

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "profiles":
      return <ProfilesPage />;
    case "profile":
      return <ProfilePage key={route.name} name={route.name} />;
    case "add":
      return <AddProfilePage />;
    case "edit":
      return <EditProfilePage key={`${route.name}/${route.field ?? ""}`} name={route.name} field={route.field} />;
    case "keys":
      return <KeysPage />;
    case "audit":
      return <AuditPage />;
    case "teams":
      return <TeamsPage />;
    case "inspect":
      return <InspectorPage key={route.profile ?? ""} profile={route.profile} />;
  }
}

export function App({ platform }: { platform: Platform }) {
  const route = useRoute();
  return (
    <PlatformProvider platform={platform}>
      <StrategiesProvider>
        <AppShell sections={SECTIONS} current={sectionOf(route)} page={href(route)}>
          <Page route={route} />
        </AppShell>
      </StrategiesProvider>
    </PlatformProvider>
  );
}
