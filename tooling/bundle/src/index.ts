export { type BundleOptions, bundle } from "./bundle.ts";
