export { type CatalogDifference, compareCatalogs } from "./compare.ts";
export {
  type CatalogColumn,
  type CatalogDump,
  type CatalogTable,
  type CatalogView,
  dumpCatalog,
} from "./dump.ts";
export { buildExpectedCatalogs } from "./shadow.ts";
