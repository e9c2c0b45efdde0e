// A file over the upload limit: dcc.Upload (react-dropzone's maxSize) drops it without a word,
// so say why in #message, in the server's words. The limit comes from the data-max-bytes
// attribute around the upload (activate_dash/web/views/project.py).
(function () {
  function megabytes(size) {
    return (size / 1e6).toLocaleString("en", {maximumFractionDigits: 1}) + " MB";
  }

  function refuseTooLarge(files, target) {
    const holder = target && target.closest && target.closest("[data-max-bytes]");
    const file = files && files[0];
    if (!holder || !file || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    const limit = Number(holder.dataset.maxBytes);
    if (!(limit > 0) || file.size <= limit) {
      return;
    }
    const text = `${file.name}: is ${megabytes(file.size)}, more than the limit of ` +
      `${megabytes(limit)}; nothing was uploaded.`;
    window.dash_clientside.set_props("message", {
      children: {
        type: "Alert",
        namespace: "dash_bootstrap_components",
        props: {children: text, color: "danger", className: "py-1 px-2 mb-0", dismissable: true},
      },
    });
  }

  document.addEventListener("change", (e) => refuseTooLarge(e.target.files, e.target), true);
  document.addEventListener(
    "drop", (e) => refuseTooLarge(e.dataTransfer && e.dataTransfer.files, e.target), true
  );
})();
