import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { CONSOLE_DIR } from "./console-process.ts";

/** Where the browser tests leave their screenshots (gitignored). */
export const ARTIFACTS = join(CONSOLE_DIR, "test-artifacts");

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
}

/**
 * Every element that reaches past the page's width (or before its left edge), measured by the
 * browser: its tag, classes and right edge. An element inside a box that scrolls or clips
 * sideways is that box's business, so only the box is measured; but a table that scrolls in its
 * box must keep its first column pinned (sticky), so each row still says what it is. A mobile
 * browser widens its layout to fit wide content, so the width is the screen's, not innerWidth.
 */
export function elementsWiderThan(page: Page, screenWidth: number): Promise<string[]> {
  return page.evaluate((width) => {
    const clipsSideways = (element: Element) => {
      const overflow = getComputedStyle(element).overflowX;
      return overflow === "auto" || overflow === "scroll" || overflow === "hidden";
    };
    const insideClippingBox = (element: Element) => {
      for (let parent = element.parentElement; parent !== null; parent = parent.parentElement) {
        if (parent === document.body) return false;
        if (clipsSideways(parent)) return true;
      }
      return false;
    };
    const wide: string[] = [];
    if (document.documentElement.scrollWidth > width) {
      wide.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
    }
    for (const table of Array.from(document.querySelectorAll("table"))) {
      const box = table.parentElement;
      // A box of a pixel or none is read by screen readers only (.visually-hidden): not seen.
      if (box === null || box.clientWidth <= 1 || !clipsSideways(box)) continue;
      if (box.scrollWidth <= box.clientWidth) continue;
      const firstCell = table.querySelector("tbody tr > :first-child");
      if (firstCell === null || getComputedStyle(firstCell).position !== "sticky") {
        wide.push(
          `table.${table.className} scrolls sideways (${box.scrollWidth} px in ${box.clientWidth}) with its first column not pinned`,
        );
      }
    }
    for (const element of Array.from(document.body.querySelectorAll("*"))) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || insideClippingBox(element)) continue;
      if (box.right > width + 0.5 || box.left < -0.5) {
        wide.push(
          `${element.tagName.toLowerCase()}.${String(element.className)} from ${Math.round(box.left)} to ${Math.round(box.right)} px`,
        );
      }
    }
    return wide;
  }, screenWidth);
}
