import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./components/layout.tsx";
import { NotFound } from "./components/page-states.tsx";
import { BotsPage } from "./pages/bots-page.tsx";
import { JobPage } from "./pages/job-page.tsx";
import { JobsPage } from "./pages/jobs-page.tsx";
import { StagesPage } from "./pages/stages-page.tsx";

export function App() {
  return (
    <BrowserRouter>
      <Layout>
        <Routes>
          <Route path="/" element={<BotsPage />} />
          <Route path="/jobs" element={<JobsPage />} />
          <Route path="/jobs/:jobId" element={<JobPage />} />
          <Route path="/stages" element={<StagesPage />} />
          <Route
            path="*"
            element={<NotFound title="Page not found" detail="There is no page at this address." />}
          />
        </Routes>
      </Layout>
    </BrowserRouter>
  );
}
