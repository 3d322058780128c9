// A claim's page: its "Cite a passage" form finds a passage of the workspace as you type.
import { passageForm } from "./pickers.js";

const cite = document.getElementById("cite-passage");
if (cite) passageForm(cite);
