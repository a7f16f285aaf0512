// Where the window is: a route in the URL's hash (#/profiles/demo), so Back and Forward work and every view
// has an address. Parsing and formatting are pure; useRoute() follows the hash.
import { useEffect, useState } from "react";

export type Route =
  | { page: "profiles" }
  | { page: "profile"; name: string }
  | { page: "add" }
  | { page: "edit"; name: string; field?: string }
  | { page: "keys" }
  | { page: "audit" }
  | { page: "teams" }
  | { page: "inspect"; profile?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(safeDecode);
  const [first, second, third, fourth] = parts;
  switch (first) {
    case "profiles":
      if (second && third === "edit") return fourth ? { page: "edit", name: second, field: fourth } : { page: "edit", name: second };
      if (second) return { page: "profile", name: second };
      return { page: "profiles" };
    case "add":
      return { page: "add" };
    case "keys":
      return { page: "keys" };
    case "audit":
      return { page: "audit" };
    case "teams":
      return { page: "teams" };
    case "inspect":
      return second ? { page: "inspect", profile: second } : { page: "inspect" };
    default:
      return { page: "profiles" };
  }
}

export function href(route: Route): string {
  switch (route.page) {
    case "profiles":
    case "add":
    case "keys":
    case "audit":
    case "teams":
      return `#/${route.page}`;
    case "profile":
      return `#/profiles/${encodeURIComponent(route.name)}`;
    case "edit":
      return `#/profiles/${encodeURIComponent(route.name)}/edit${route.field ? `/${encodeURIComponent(route.field)}` : ""}`;
    case "inspect":
      return route.profile ? `#/inspect/${encodeURIComponent(route.profile)}` : "#/inspect";
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

/** The section of the sidebar a route belongs to. */
export function sectionOf(route: Route): "profiles" | "keys" | "inspect" | "audit" | "teams" {
  return route.page === "keys" || route.page === "audit" || route.page === "inspect" || route.page === "teams" ? route.page : "profiles";
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
