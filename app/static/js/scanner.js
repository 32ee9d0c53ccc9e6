// The shared QR scanner component (check-in at the door, voucher redemption at the counter).
//
//   BranchScanner.start(videoElement, function onCode(text) { ... return promise }, options)
//
// Scans continuously with the vendored qr-scanner (native BarcodeDetector where the
// browser has one, otherwise its worker, which it imports from its own folder). The same code is ignored for `repeatMs` so a
// ticket held in front of the camera is not submitted again and again; while `onCode`'s
// promise is pending no other code is taken, and the next scan is ready right after.
(function () {
  "use strict";
  function start(video, onCode, options) {
    options = options || {};
    var repeatMs = options.repeatMs || 2500;
    var last = { text: null, at: 0 };
    var busy = false;
    var scanner = new window.QrScanner(video, function (result) {
      var text = (result && result.data) || result;
      var now = Date.now();
      if (!text || busy || (text === last.text && now - last.at < repeatMs)) { return; }
      last = { text: text, at: now };
      busy = true;
      Promise.resolve(onCode(text)).catch(function () { /* the page shows its own errors */ })
        .then(function () { busy = false; });
    }, {
      preferredCamera: "environment",
      maxScansPerSecond: options.maxScansPerSecond || 10,
      // qr-scanner draws its highlight overlay with style attributes, which our CSP
      // (style-src 'self') forbids; the pages draw their own frame in CSS instead.
      highlightScanRegion: false,
      highlightCodeOutline: false,
      returnDetailedScanResult: true
    });
    var started = scanner.start();
    return {
      scanner: scanner,
      started: started,
      stop: function () { scanner.stop(); },
      hasFlash: function () { return scanner.hasFlash(); },
      toggleFlash: function () { return scanner.toggleFlash(); },
      isFlashOn: function () { return scanner.isFlashOn(); }
    };
  }

  window.BranchScanner = { start: start };
})();
