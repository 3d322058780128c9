// A question's page: its forms find what they add as you type. The hypothesis form
// finds a claim of the workspace (a claim chosen from the list is sent by its id;
// otherwise what was typed becomes a new claim, as it does without this script);
// the evidence form finds a passage cited as evidence, which must be chosen.
import { ClaimPicker, passageForm } from "./pickers.js";

const hypothesis = document.getElementById("add-hypothesis");
if (hypothesis) {
  const picker = new ClaimPicker(hypothesis.querySelector(".picker"), hypothesis.dataset.claimSearchUrl);
  hypothesis.addEventListener("submit", () => {
    const chosen = picker.value();
    hypothesis.elements.claim.value = chosen?.claim ?? "";
    if (chosen?.claim) hypothesis.elements.statement.value = "";
  });
}

const evidence = document.getElementById("add-evidence");
if (evidence) passageForm(evidence);
