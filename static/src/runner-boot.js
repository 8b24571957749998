// Starts Python's worker while the exercise page is still being read (an async script in the
// page's head), before the page's own bundle (half a megabyte: the editor) has loaded and built
// the editor. Part of a worker's start seems to wait for the page's main thread (created just
// before the bundle ran, it started no sooner on repeat visits), so it is asked for while that
// thread is still mostly idle, reading the page. exercise.js takes the runner from
// here (self.frictionRunner) and listens to it (BrowserRunner.listen); if this script has not
// run by then, exercise.js starts the runner itself and this one does nothing.
import { BrowserRunner } from "./runner.js";

const setting = (name) => document.querySelector(`meta[name="${name}"]`)?.content;
const workerUrl = setting("python-runner-worker");
const baseUrl = setting("python-runner-base");
if (workerUrl && baseUrl && !self.frictionRunner) {
  self.frictionRunner = new BrowserRunner({ workerUrl, baseUrl: new URL(baseUrl, location.href).href });
  self.frictionRunner.start();
}
