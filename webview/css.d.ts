// Stylesheets imported for their side effect: esbuild bundles them into dist/webview/panel.css.
declare module '*.css';
