//! The progress bar of long runs (tournaments and leagues): negotiations
//! done of the run's total, drawn on the terminal's error stream from the
//! library's progress reports.

/// A bar counting negotiations: its length and position are set from
/// each progress report.
pub fn bar() -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} negotiations ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}
