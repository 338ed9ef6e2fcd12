// The panel's static markup: the containers webview/main.ts fills (no data, no vscode import, so
// scripts/bench-panel.ts renders the same page outside VS Code).
export const PANEL_BODY = `<header>
  <h1>pagecost benchmark</h1>
  <span id="hint-profile"></span>
</header>
<div id="blocked" class="notice" role="status" hidden></div>
<div class="toolbar" role="toolbar" aria-label="Benchmark">
  <div class="group" id="presets" aria-label="Presets"></div>
  <vscode-button id="cancel" secondary disabled title="Stop the benchmark (its process group)">Cancel</vscode-button>
  <span class="separator"></span>
  <label>Threads <vscode-single-select id="threads" aria-label="Thread count shown in the charts"></vscode-single-select></label>
  <span class="separator"></span>
  <div class="group">
    <vscode-button id="calibrate" secondary disabled>Calibrate</vscode-button>
    <vscode-button id="compare" secondary title="Open calibration files made on other machines (pagecost calibrate --out FILE) and draw their model beside this one">Compare machines…</vscode-button>
    <vscode-button id="import" secondary title="Open results exported as JSON">Open results…</vscode-button>
    <vscode-button id="export-csv" secondary disabled>Export CSV</vscode-button>
    <vscode-button id="export-json" secondary disabled>Export JSON</vscode-button>
  </div>
</div>
<div id="progress" hidden>
  <vscode-progress-bar id="progress-bar" aria-label="Benchmark progress"></vscode-progress-bar>
  <span id="progress-text" aria-live="polite"></span>
</div>
<p id="verdict" aria-live="polite"></p>
<p id="results-about"></p>
<section id="calibration" class="card" hidden aria-labelledby="calibration-title">
  <h2 id="calibration-title">Calibration: how far the model was off, per operation</h2>
  <table id="calibration-table"></table>
  <p id="calibration-summary" class="muted"></p>
  <vscode-button id="use-calibration">Use this calibration for hints</vscode-button>
</section>
<h2>Profiles</h2>
<ul id="profiles" aria-label="Model profiles drawn"></ul>
<h2>Measured and modelled</h2>
<div id="charts"></div>
<h2>Points <span id="points-count" class="muted"></span></h2>
<p id="points-empty" class="muted">No measurements yet: choose a preset above. The charts show the model's curves meanwhile.</p>
<div class="table-wrap"><table id="points" aria-label="Measured points: the same data as the charts"></table></div>
<vscode-collapsible heading="Run log" id="log-box"><div id="log" role="log" aria-live="polite"></div></vscode-collapsible>
`;
