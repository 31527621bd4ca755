/** A bundler `?url` import: the URL of the file in the build, as Vite resolves it. */
declare module "*?url" {
  const url: string;
  export default url;
}
