// The quiz: before a step shows its sum, the learner types it, and the page checks it here,
// offline. data.quiz.items[k] (autograd/views/quiz.py): expected, mistakes ([wrong value,
// diagnosis], told apart in order as check_gradients does), explanation, hint, ask (HTML).

// A typed number: 1e-3, -0.118, .118, a Unicode minus (−0.118); NaN for anything else ("abc", "1/2").
function parseAnswer(text) {
  const t = text.trim().replace(/[\u2212\u2013]/g, "-").replace(/\s+/g, "");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

// check_gradients' rule (exercises._close): within rtol of b, or both near 0 on the graph's scale
function closeTo(a, b, rtol, scale) {
  return Math.abs(a - b) <= rtol * Math.max(Math.abs(b), 1e-12 * scale) + 1e-12 * scale;
}

// repaint(): draw the current step again (its numbers show once it is answered).
function quizControls(quiz, repaint) {
  const items = quiz.items;
  const answered = items.map(() => false);  // right, or revealed: its numbers show
  const firstRight = items.map(() => false);
  const tries = items.map(() => 0);
  const forms = document.querySelectorAll(".quiz-step");
  const score = document.getElementById("quiz-score");

  function updateScore() {
    const done = answered.filter(Boolean).length;
    const right = firstRight.filter(Boolean).length;
    score.textContent = done === items.length
      ? "Quiz done: " + right + " of " + items.length + " right the first time"
      : "Quiz: " + right + " of " + items.length + " right the first time \u00b7 " + done + " answered";
    score.classList.toggle("finished", done === items.length);
  }

  function feedback(k, kind, text) {
    const box = forms[k].querySelector(".quiz-feedback");
    box.className = "quiz-feedback " + kind;
    box.textContent = text;
  }

  function settle(k) {
    answered[k] = true;
    forms[k].querySelector("input").readOnly = true;
    forms[k].querySelectorAll("button").forEach((b) => { b.disabled = true; });
    updateScore();
    repaint();
  }

  function check(k) {
    const input = forms[k].querySelector("input");
    const note = forms[k].querySelector(".quiz-note");
    const given = parseAnswer(input.value);
    if (Number.isNaN(given)) {
      // not a try: nothing was answered
      note.textContent = input.value.trim()
        ? "\u201c" + input.value.trim() + "\u201d is not a number: type one like -0.118, .118 or 1e-3"
        : "type a number first, like -0.118";
      input.classList.add("refused");
      return;
    }
    note.textContent = "";
    input.classList.remove("refused");
    const item = items[k];
    if (closeTo(given, item.expected, quiz.rtol, quiz.scale)) {
      if (tries[k] === 0) firstRight[k] = true;
      feedback(k, "right", (tries[k] === 0 ? "Right. " : "Right, now. ") + item.explanation);
      settle(k);
      return;
    }
    tries[k] += 1;
    let why = item.explanation;
    for (const [wrong, text] of item.mistakes) {
      if (closeTo(given, wrong, quiz.rtol, quiz.scale) && !closeTo(wrong, item.expected, quiz.rtol, quiz.scale)) {
        why = text;
        break;
      }
    }
    why = why.charAt(0).toUpperCase() + why.slice(1);
    feedback(k, "wrong", "Not yet (" + input.value.trim() + "). " + why + "\nHint: " + item.hint
      + "\nTry again, or reveal the answer.");
    input.select();
  }

  forms.forEach((form, k) => {
    form.addEventListener("submit", (event) => { event.preventDefault(); if (!answered[k]) check(k); });
    form.querySelector(".reveal").onclick = () => {
      if (answered[k]) return;
      feedback(k, "revealed", "The answer: " + items[k].explanation);
      settle(k);
    };
  });
  updateScore();

  return {
    // whether step k's own numbers are still hidden
    hidden: (k) => k >= 0 && k < items.length && !answered[k],
    // the question of step k in place of its narration
    ask: (k, count) => "Step " + (k + 1) + " of " + count + ": what is " + items[k].ask
      + "? Add up every message it has received, then type the sum below.",
    show: (k) => forms.forEach((form, i) => { form.hidden = i !== k; }),
    answered,
  };
}
