import { lazy, Suspense } from "react";
import { BrowserRouter, Route, Routes } from "react-router";
import { Layout } from "./components/layout.tsx";
import { Loading, NotFound } from "./components/page-states.tsx";

/*
 * One chunk per page, loaded when the page is opened: the charts library goes only to the pages
 * that draw charts, and the first page a browser opens loads its own code and the shell's.
 */
const BotsPage = lazy(() => import("./pages/bots-page.tsx"));
const JobsPage = lazy(() => import("./pages/jobs-page.tsx"));
const JobPage = lazy(() => import("./pages/job-page.tsx"));
const StagesPage = lazy(() => import("./pages/stages-page.tsx"));
const FailuresPage = lazy(() => import("./pages/failures-page.tsx"));
const SearchPage = lazy(() => import("./pages/search-page.tsx"));

export function App() {
  return (
    <BrowserRouter>
      <Layout>
        <Suspense fallback={<Loading label="Loading page…" />}>
          <Routes>
            <Route path="/" element={<BotsPage />} />
            <Route path="/jobs" element={<JobsPage />} />
            <Route path="/jobs/:jobId" element={<JobPage />} />
            <Route path="/stages" element={<StagesPage />} />
            <Route path="/failures" element={<FailuresPage />} />
            <Route path="/search" element={<SearchPage />} />
            <Route
              path="*"
              element={
                <NotFound title="Page not found" detail="There is no page at this address." />
              }
            />
          </Routes>
        </Suspense>
      </Layout>
    </BrowserRouter>
  );
}
