// A question's page: the hypothesis form finds a claim of the workspace as you type
// (the claim picker). A claim chosen from the list is sent by its id; otherwise
// what was typed becomes a new claim, as it does without this script.
import { ClaimPicker } from "./claim-picker.js";

const form = document.getElementById("add-hypothesis");
if (form) {
  const picker = new ClaimPicker(form.querySelector(".claim-picker"), form.dataset.claimSearchUrl);
  form.addEventListener("submit", () => {
    const chosen = picker.value();
    form.elements.claim.value = chosen?.claim ?? "";
    if (chosen?.claim) form.elements.statement.value = "";
  });
}
