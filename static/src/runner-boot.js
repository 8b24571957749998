// Starts Python's worker as soon as the exercise page is parsed, before the page's own bundle
// (half a megabyte: the editor) has loaded and built the editor; on a repeat visit most of the
// wait for "Python is ready" is the worker's own start, so it should begin first. exercise.js
// takes the runner from here (self.frictionRunner) and listens to it (BrowserRunner.listen).
import { BrowserRunner } from "./runner.js";

const data = JSON.parse(document.getElementById("page-data").textContent);
if (data.runtime.base_url && !self.frictionRunner) {
  self.frictionRunner = new BrowserRunner({
    workerUrl: data.worker_url,
    baseUrl: new URL(data.runtime.base_url, location.href).href,
  });
  self.frictionRunner.start();
}
