import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { LiveRefreshProvider } from "./api/live-refresh.tsx";
import { queryClientOptions } from "./api/use-api.ts";
import { App } from "./app.tsx";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");
const queryClient = new QueryClient(queryClientOptions);
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LiveRefreshProvider>
        <App />
      </LiveRefreshProvider>
    </QueryClientProvider>
  </StrictMode>,
);
