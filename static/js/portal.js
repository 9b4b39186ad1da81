// The portal's few behaviours, as delegated listeners: the Content-Security-Policy allows
// no inline script or event-handler attribute (docs/decisions/0012).
//   <select data-autosubmit>        submits its form when changed (the language menu)
//   <form data-confirm="question">  asks before submitting (delete, revoke)
//   <button data-copy="id" data-copied="id">  copies an element's text, then shows another
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button || !navigator.clipboard) {
      return;
    }
    var source = document.getElementById(button.getAttribute("data-copy"));
    var done = document.getElementById(button.getAttribute("data-copied"));
    navigator.clipboard.writeText(source ? source.textContent : "").then(function () {
      if (done) {
        done.hidden = false;
      }
    });
  });
})();
