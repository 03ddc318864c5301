// The complete packages that rank highest by a party's own additive
// utility, computed in the browser from preferences being edited.
//
// Rules: a package's utility is the sum over issues of weight × value; a
// package with a value the party has made a red line is left out. Spaces of
// at most MAX_ENUMERATED packages are enumerated whole (ties keep the
// scenario's order of values); larger ones, or ones with an issue whose
// values are not listed, are not: the answer says so and gives the package
// of the best value on each issue instead (red lines left out).

import { fmtValue, sameValue } from './common.js';

/** Largest number of packages enumerated to find the best ones. */
export const MAX_ENUMERATED = 200_000;

/**
 * Own utility of complete package `pkg` under draft `d` ({ weights, values:
 * issue -> [{value, utility}] | null }), or null when a value is unknown.
 */
export function packageUtility(issues, d, pkg) {
  let u = 0;
  for (const spec of issues) {
    const listed = d.values[spec.issue];
    const v = listed && listed.find((x) => sameValue(x.value, pkg[spec.issue]));
    if (!v) return null;
    u += d.weights[spec.issue] * v.utility;
  }
  return u;
}

/**
 * The `n` best packages under draft `d` (with its red lines `d.red`, issue
 * -> values): { enumerated, count, excluded, packages: [{ package, utility }],
 * reason } where `reason` says why the space was not enumerated.
 */
export function bestPackages(issues, d, n) {
  const crosses = (issue, value) => (d.red.get(issue) || []).some((r) => sameValue(r, value));
  const unlisted = issues.filter((s) => !d.values[s.issue]);
  const count = issues.reduce((a, s) => a * (d.values[s.issue] ? d.values[s.issue].length : Infinity), 1);
  if (unlisted.length || count > MAX_ENUMERATED) {
    const reason = unlisted.length
      ? `${unlisted.map((s) => s.issue).join(', ')} ${unlisted.length === 1 ? 'has' : 'have'} too many values to list every package.`
      : `${count.toLocaleString('en')} packages are too many to rank here (more than ${MAX_ENUMERATED.toLocaleString('en')}).`;
    const pkg = {};
    let utility = 0;
    for (const spec of issues) {
      const allowed = (d.values[spec.issue] || []).filter((v) => !crosses(spec.issue, v.value));
      if (!allowed.length) {
        utility = null;
        continue;
      }
      const best = allowed.reduce((a, b) => (b.utility > a.utility ? b : a));
      pkg[spec.issue] = best.value;
      if (utility !== null) utility += d.weights[spec.issue] * best.utility;
    }
    return { enumerated: false, count, excluded: 0, reason, packages: Object.keys(pkg).length ? [{ package: pkg, utility }] : [] };
  }
  // Per issue: (value, weighted utility) pairs without the red-lined values.
  const axes = issues.map((spec) => d.values[spec.issue]
    .filter((v) => !crosses(spec.issue, v.value))
    .map((v) => ({ value: v.value, u: d.weights[spec.issue] * v.utility })));
  const allowed = axes.reduce((a, ax) => a * ax.length, 1);
  const best = []; // sorted by utility, highest first, at most n
  const index = axes.map(() => 0);
  if (allowed > 0) {
    for (;;) {
      let u = 0;
      for (let i = 0; i < axes.length; i += 1) u += axes[i][index[i]].u;
      if (best.length < n || u > best[best.length - 1].utility + 1e-12) {
        const pkg = {};
        axes.forEach((ax, i) => { pkg[issues[i].issue] = ax[index[i]].value; });
        let at = best.findIndex((b) => u > b.utility + 1e-12);
        if (at < 0) at = best.length;
        best.splice(at, 0, { package: pkg, utility: u });
        if (best.length > n) best.pop();
      }
      let k = axes.length - 1;
      while (k >= 0 && index[k] === axes[k].length - 1) {
        index[k] = 0;
        k -= 1;
      }
      if (k < 0) break;
      index[k] += 1;
    }
  }
  return { enumerated: true, count, excluded: count - allowed, reason: '', packages: best };
}

/** A package as one line in issue order: "price 20500 · colour black". */
export function packageText(issues, pkg) {
  return issues.filter((s) => s.issue in pkg).map((s) => `${s.issue} ${fmtValue(pkg[s.issue])}`).join(' · ');
}
