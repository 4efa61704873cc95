"""Plain-text evaluation report for ``analyzer evaluate``."""

from __future__ import annotations


def render_evaluation(report: dict) -> str:
    lines = [f"model {report.get('model_version')} on {', '.join(report.get('label_files', []))}"
             + (f" (split {report['split']})" if report.get("split") else "") + f": n = {report['n']}"]
    for head in ("tone", "blame"):
        scores = report[head]
        lines += ["", f"{head}: macro-F1 {scores['macro_f1']:.3f}  accuracy {scores['accuracy']:.3f}  "
                      f"calibration error {scores['ece']:.3f}",
                  f"  {'label':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}"]
        for label, s in scores["per_class"].items():
            lines.append(f"  {label:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} {s['support']:>8}")
        matrix = scores["confusion_matrix"]
        lines.append("  confusion (rows gold, columns predicted): " + " ".join(f"{l[:6]:>6}" for l in matrix["labels"]))
        for label, row in zip(matrix["labels"], matrix["matrix"]):
            lines.append(f"  {label:<12}" + "".join(f"{v:>7}" for v in row))
        if scores["predicted_absent_labels"]:
            lines.append(f"  {scores['predicted_absent_labels']} prediction(s) of labels absent from the gold set")
    return "\n".join(lines)
