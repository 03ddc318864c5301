//! Group commit on SQLite: the parties' moves are queued to one writer
//! task, which appends every queued move (of any session) in one
//! transaction and answers each only after that transaction commits.
//!
//! A move the protocol rejects gets its error and writes nothing; should a
//! write or the commit fail, every move of the batch gets that error and
//! none is kept.

use std::collections::HashMap;
use std::sync::Arc;

use pactum_core::Outcome;

use crate::protocol::MoveKind;
use crate::sessions::AppState;
use crate::sessions::error::SessionError;
use crate::sessions::moves::{CachedState, Committed, StageError, Staged, install, stage_move};
use crate::sessions::records::ensure_certificate;
use crate::store::sessions::Session;

/// A party's move waiting for the SQLite writer task.
pub(crate) struct MoveJob {
    pub(crate) session: Session,
    pub(crate) seat: usize,
    pub(crate) kind: MoveKind,
    pub(crate) outcome: Option<Outcome>,
    /// Words sent with the move.
    pub(crate) message: Option<String>,
    pub(crate) reply:
        tokio::sync::oneshot::Sender<(Session, Result<Option<Committed>, SessionError>)>,
}

/// Most moves committed in one transaction.
pub(crate) const MAX_BATCH: usize = 512;

impl AppState {
    /// Group commit (SQLite): hands the move to the writer task, which
    /// appends the queued moves of all sessions in one transaction (one
    /// fsync, one hand-off of the write lock) and answers each after that
    /// transaction commits. Returns the session back with the move.
    pub(crate) async fn commit_queued(
        &self,
        session: Session,
        seat: usize,
        kind: MoveKind,
        outcome: Option<Outcome>,
        message: Option<String>,
    ) -> Result<(Session, Option<Committed>), SessionError> {
        let queue = self.writer.get_or_init(|| {
            let (queue, jobs) = tokio::sync::mpsc::unbounded_channel();
            // The task's copy has no queue of its own, so that it ends
            // when the last handler state is dropped. It runs on a thread
            // of its own, so that its many short waits on the database do
            // not queue behind the request handlers.
            let mut writer = self.clone();
            writer.writer = Default::default();
            let spawned = std::thread::Builder::new()
                .name("pactum-writer".into())
                .spawn(move || {
                    match tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        Ok(rt) => rt.block_on(write_batches(writer, jobs)),
                        // Without a runtime the queue closes and every
                        // move gets a 500.
                        Err(e) => tracing::error!("cannot start the database writer: {e}"),
                    }
                });
            if let Err(e) = spawned {
                tracing::error!("cannot start the database writer: {e}");
            }
            queue
        });
        let (reply, answer) = tokio::sync::oneshot::channel();
        queue
            .send(MoveJob {
                session,
                seat,
                kind,
                outcome,
                message,
                reply,
            })
            .map_err(|_| SessionError::Stopped("the database writer"))?;
        let (session, committed) = answer
            .await
            .map_err(|_| SessionError::Stopped("the database writer"))?;
        let committed = committed?;
        if committed.as_ref().is_some_and(|c| c.agreement.is_some()) {
            // As in commit_move: the certificate closes the record.
            let _ = ensure_certificate(self, &session).await;
        }
        Ok((session, committed))
    }
}

/// The SQLite writer task: commits whatever moves are queued, in batches.
pub(crate) async fn write_batches(
    app: AppState,
    mut queue: tokio::sync::mpsc::UnboundedReceiver<MoveJob>,
) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        write_batch(&app, std::mem::take(&mut jobs)).await;
    }
}

/// Stages the moves in one transaction, commits it and only then answers
/// each move. A move the protocol rejects writes nothing and gets its
/// error; should a write or the commit fail, every move of the batch gets
/// that error and none is kept.
pub(crate) async fn write_batch(app: &AppState, jobs: Vec<MoveJob>) {
    let guard = app.write_guard().await;
    let mut answers: Vec<(MoveJob, Result<Option<Staged>, SessionError>)> =
        Vec::with_capacity(jobs.len());
    let mut queued = jobs.into_iter();
    let outcome: Result<(), SessionError> = async {
        let mut tx = app.pool.begin().await?;
        let mut pending: HashMap<String, Arc<CachedState>> = HashMap::new();
        for mut job in queued.by_ref() {
            let decision = Some((job.seat, job.kind, job.outcome.take()));
            let message = job.message.take();
            match stage_move(app, &mut tx, &job.session, &pending, message, |_, _| {
                Ok(decision)
            })
            .await
            {
                Ok(staged) => {
                    if let Some(s) = &staged {
                        pending.insert(s.session_id.clone(), s.fresh.clone());
                    }
                    answers.push((job, Ok(staged)));
                }
                Err(StageError::Rejected(e)) => answers.push((job, Err(e))),
                Err(StageError::Failed(e)) => {
                    answers.push((job, Err(e.clone())));
                    return Err(e);
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            let installed: Vec<_> = answers
                .into_iter()
                .map(|(job, r)| {
                    let answer = r.and_then(|s| s.map_or(Ok(None), |s| install(app, s)));
                    (job, answer)
                })
                .collect();
            drop(guard);
            for (job, r) in installed {
                let _ = job.reply.send((job.session, r));
            }
        }
        Err(e) => {
            drop(guard);
            answers.extend(queued.map(|job| (job, Ok(None))));
            for (job, _) in answers {
                let _ = job.reply.send((job.session, Err(e.clone())));
            }
        }
    }
}
