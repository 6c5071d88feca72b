// notices: enhancements only; every form works without this file.
(function () {
  "use strict";

  // A form's submit button is pressed once: the server also ignores a repeated reply form.
  function setupSubmitOnce() {
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      var form = button.form;
      if (!form) { return; }
      form.addEventListener("submit", function () {
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  }

  // プロフィール設定: preview the square the server will cut (same arithmetic as
  // notices.forms.process_profile_image), and 「確認」 shows it in the round avatar.
  function setupCropper() {
    var input = document.querySelector(".avatar__input");
    var frame = document.querySelector("[data-cropper-frame]");
    var confirm = document.querySelector("[data-cropper-confirm]");
    var avatar = document.querySelector("[data-avatar]");
    if (!input || !frame || !frame.getContext) { return; }
    var zoom = document.getElementById("id_zoom");
    var posX = document.getElementById("id_position_x");
    var posY = document.getElementById("id_position_y");
    var image = null;

    function draw() {
      if (!image) { return; }
      var w = image.naturalWidth, h = image.naturalHeight;
      var side = Math.max(1, Math.round(Math.min(w, h) * 100 / Number(zoom.value || 100)));
      var left = Math.round((w - side) * Number(posX.value || 50) / 100);
      var top = Math.round((h - side) * Number(posY.value || 50) / 100);
      var ctx = frame.getContext("2d");
      ctx.clearRect(0, 0, frame.width, frame.height);
      ctx.drawImage(image, left, top, side, side, 0, 0, frame.width, frame.height);
    }

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) { return; }
      var reader = new FileReader();
      reader.onload = function () {
        var candidate = new Image();
        candidate.onload = function () {
          image = candidate;
          frame.closest("[data-cropper]").classList.add("is-active");
          frame.hidden = false;
          confirm.hidden = false;
          draw();
        };
        candidate.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
    [zoom, posX, posY].forEach(function (range) {
      if (range) { range.addEventListener("input", draw); }
    });
    confirm.addEventListener("click", function () {
      if (!image) { return; }
      var shown = document.createElement("img");
      shown.className = "avatar__image";
      shown.alt = "選択したプロフィール画像";
      shown.src = frame.toDataURL("image/png");
      avatar.replaceChildren(shown);
    });
  }

  setupSubmitOnce();
  setupCropper();
})();
