// The door: after each check-in the form empties and the code field takes focus again, so the
// next ticket can be scanned at once; where the browser can read QR codes from the camera, a
// "Use the camera" button appears.
(function () {
  "use strict";
  var form = document.querySelector("form.door");
  if (!form) { return; }
  var input = document.getElementById("id_code");
  form.addEventListener("htmx:afterRequest", function () {
    form.reset();
    input.focus();
  });
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  var button = document.getElementById("camera"), video = document.getElementById("viewfinder");
  button.hidden = false;
  button.addEventListener("click", async function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    video.srcObject = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
    video.hidden = false;
    await video.play();
    var last = "";
    (async function look() {
      try {
        var codes = await detector.detect(video);
        if (codes.length && codes[0].rawValue !== last) {
          last = codes[0].rawValue;
          input.value = last;
          form.requestSubmit();
        }
      } catch (e) { /* a frame without a code */ }
      setTimeout(look, 300);
    })();
  });
})();
