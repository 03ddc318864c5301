//! The least value over every state reachable in a directed graph of
//! states, for every start at once.
//!
//! Rules: a state reaches itself (zero steps) and every state at the end of
//! a path of edges; the result for a state is the least of the given values
//! over what it reaches. The algorithm finds the strongly connected
//! components (Tarjan's, iteratively, so deep graphs cannot overflow the
//! stack) and, as each component is closed (after every component it
//! reaches), takes the least over its members and its successors'
//! components: linear in states plus edges.

/// A directed graph on states `0..len`, its out-edges given as several
/// lists per state (one per DM moving, say).
pub trait Graph {
    /// The number of states.
    fn len(&self) -> usize;
    /// The number of edge lists per state.
    fn lists(&self) -> usize;
    /// The states `v` has an edge to in list `list`.
    fn edges(&self, list: usize, v: usize) -> &[usize];
}

const UNSEEN: u32 = u32::MAX;

/// For every state and each value row, the least value over the states it
/// reaches (itself included): `result[row][state]`.
pub fn least_reachable(graph: &dyn Graph, values: &[&[u64]]) -> Vec<Vec<u64>> {
    let n = graph.len();
    let lists = graph.lists();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut component = vec![UNSEEN; n];
    let mut open: Vec<usize> = Vec::new();
    let mut least: Vec<Vec<u64>> = vec![Vec::new(); values.len()];
    let mut result: Vec<Vec<u64>> = vec![vec![u64::MAX; n]; values.len()];
    let mut counter = 0u32;
    let mut components = 0u32;
    // Each frame: a state, the list and position of its next edge.
    let mut frames: Vec<(usize, usize, usize)> = Vec::new();
    let mut members = Vec::new();
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        order[root] = counter;
        low[root] = counter;
        counter += 1;
        open.push(root);
        frames.push((root, 0, 0));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0;
            // Edges to states already seen are settled here; the first
            // unseen one is descended into.
            let mut step = None;
            'edges: while frame.1 < lists {
                let e = graph.edges(frame.1, v);
                while frame.2 < e.len() {
                    let w = e[frame.2];
                    frame.2 += 1;
                    if order[w] == UNSEEN {
                        step = Some(w);
                        break 'edges;
                    }
                    if component[w] == UNSEEN {
                        low[v] = low[v].min(order[w]);
                    }
                }
                frame.1 += 1;
                frame.2 = 0;
            }
            if let Some(w) = step {
                order[w] = counter;
                low[w] = counter;
                counter += 1;
                open.push(w);
                frames.push((w, 0, 0));
                continue;
            }
            frames.pop();
            if let Some(&(parent, _, _)) = frames.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] != order[v] {
                continue;
            }
            // Close the component rooted at v: every component it reaches
            // is closed already.
            let id = components;
            components += 1;
            members.clear();
            while let Some(m) = open.pop() {
                component[m] = id;
                members.push(m);
                if m == v {
                    break;
                }
            }
            let mut best: Vec<u64> = values
                .iter()
                .map(|row| members.iter().map(|&m| row[m]).min().unwrap_or(u64::MAX))
                .collect();
            for &m in &members {
                for list in 0..lists {
                    for &w in graph.edges(list, m) {
                        let c = component[w];
                        if c != id {
                            for (b, l) in best.iter_mut().zip(&least) {
                                *b = (*b).min(l[c as usize]);
                            }
                        }
                    }
                }
            }
            for (row, b) in best.iter().enumerate() {
                least[row].push(*b);
                for &m in &members {
                    result[row][m] = *b;
                }
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Edges(Vec<Vec<usize>>);

    impl Graph for Edges {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn lists(&self) -> usize {
            1
        }
        fn edges(&self, _: usize, v: usize) -> &[usize] {
            &self.0[v]
        }
    }

    #[test]
    fn least_over_reachable_follows_paths_and_cycles() {
        // 0 -> 1 <-> 2 -> 3; 4 alone.
        let g = Edges(vec![vec![1], vec![2], vec![1, 3], vec![], vec![]]);
        let v = [9, 8, 7, 5, 1];
        let r = least_reachable(&g, &[&v]);
        assert_eq!(r[0], vec![5, 5, 5, 5, 1]);
        let w = [1, 8, 7, 9, 4];
        let r = least_reachable(&g, &[&w, &v]);
        assert_eq!(r[0], vec![1, 7, 7, 9, 4]);
        assert_eq!(r[1], vec![5, 5, 5, 5, 1]);
    }
}
