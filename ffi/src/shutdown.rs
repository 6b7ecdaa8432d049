//! What the library keeps for the life of the process, and `kp_shutdown`, which releases it: the
//! threads parallel batches run on, and the core's cache of compiled built-in rulebooks.
//!
//! Why a thread pool of our own: rayon's global pool cannot be stopped, so its threads (and what
//! they hold) are still there at exit, and valgrind reports them as "possibly lost" in a correct
//! program. This pool is made the first time a batch runs in parallel, spawns its threads itself
//! so that it keeps their join handles, and `kp_shutdown` drops it and joins every thread. Batches
//! scored after that start a new pool.

use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use rayon::{ThreadPool, ThreadPoolBuilder};

use crate::boundary::guard;

/// The pool and its threads' join handles.
struct Pool {
    pool: Arc<ThreadPool>,
    threads: Vec<JoinHandle<()>>,
}

static POOL: Mutex<Option<Pool>> = Mutex::new(None);

/// The pool, started on first use; `None` when it cannot be started (no threads available), and
/// the caller then scores on its own thread. Never inlined: ffi/valgrind.supp names it.
#[inline(never)]
fn pool() -> Option<Arc<ThreadPool>> {
    let mut slot = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(p) = slot.as_ref() {
        return Some(p.pool.clone());
    }
    let mut threads = Vec::new();
    let built = ThreadPoolBuilder::new()
        .thread_name(|i| format!("kaoping-{i}"))
        .spawn_handler(|worker| {
            let mut b = std::thread::Builder::new();
            if let Some(name) = worker.name() {
                b = b.name(name.to_owned());
            }
            if let Some(size) = worker.stack_size() {
                b = b.stack_size(size);
            }
            threads.push(b.spawn(|| worker.run())?);
            Ok(())
        })
        .build();
    match built {
        Ok(pool) => {
            let pool = Arc::new(pool);
            *slot = Some(Pool { pool: pool.clone(), threads });
            Some(pool)
        }
        Err(_) => {
            // The threads that did start end when the half-built registry is dropped.
            for t in threads {
                let _ = t.join();
            }
            None
        }
    }
}

/// Run `work` on the library's batch threads when `parallel` (rayon's parallel iterators inside
/// it use this pool), else on the calling thread.
pub fn run<R: Send>(parallel: bool, work: impl FnOnce() -> R + Send) -> R {
    match pool().filter(|_| parallel) {
        Some(p) => p.install(work),
        None => work(),
    }
}

/// Free what the ended threads left to crossbeam's epoch collector (rayon's deques use it): each
/// thread's record in the collector's list and the garbage it deferred. A thread's record is
/// marked deleted when it exits but unlinked (and then freed, two epochs later) only by a thread
/// that walks the list afterwards; until then the record behind a deleted one is reachable only
/// through a tagged pointer, which valgrind reports as "possibly lost". Pinning and flushing walks
/// the list and advances the epoch; a few rounds take the garbage through both epochs. This
/// registers the calling thread in the collector, which costs one small record, freed with it.
fn collect_epoch_garbage() {
    for _ in 0..4 {
        crossbeam_epoch::pin().flush();
    }
}

/// Optional, at the end of a program: release what kaoping keeps for the life of the process, so
/// that a leak checker (valgrind `--leak-check=full`) has nothing to report. It waits for batches
/// being scored on other threads to finish, ends the threads batches run on (joining them), and
/// drops the cache of compiled built-in rulebooks. Handles still held stay valid, and kaoping may
/// be used again afterwards: the threads and the cache come back when needed.
///
/// Call it from one thread, after every other call has returned; a program that does not call it
/// loses nothing (the operating system reclaims all at exit).
#[unsafe(no_mangle)]
pub extern "C" fn kp_shutdown() {
    guard(|| {
        let taken = POOL.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(Pool { pool, threads }) = taken {
            // The last reference to the pool (a batch still running holds another until it ends)
            // terminates its threads; joining waits for each to exit.
            drop(pool);
            for t in threads {
                let _ = t.join();
            }
            collect_epoch_garbage();
        }
        kaoping_core::Rulebook::clear_builtin_cache();
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;
    use std::cell::RefCell;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Threads of the pool that have ended (counted by a thread-local's destructor, which runs
    /// when its thread exits).
    static ENDED: AtomicUsize = AtomicUsize::new(0);

    struct CountsExit;

    impl Drop for CountsExit {
        fn drop(&mut self) {
            ENDED.fetch_add(1, Ordering::SeqCst);
        }
    }

    thread_local! {
        static ON_EXIT: RefCell<Option<CountsExit>> = const { RefCell::new(None) };
    }

    #[test]
    fn batches_run_on_the_pool_and_shutdown_ends_its_threads() {
        let on_pool = run(true, || rayon::current_thread_index().is_some());
        assert!(on_pool, "parallel work runs on the library's pool");
        let sum: u64 = run(true, || (1..=1000u64).into_par_iter().sum());
        assert_eq!(sum, 500_500);
        assert!(!run(false, || rayon::current_thread_index().is_some()), "serial work stays here");
        // Every thread of the pool counts its own end. Other tests may start batches meanwhile
        // (kp_shutdown waits for them) or a new pool after it: neither changes this pool's count.
        let ended_before = ENDED.load(Ordering::SeqCst);
        let threads =
            run(true, || rayon::broadcast(|_| ON_EXIT.with(|e| *e.borrow_mut() = Some(CountsExit))).len());
        assert!(threads >= 1);
        kp_shutdown();
        assert_eq!(ENDED.load(Ordering::SeqCst) - ended_before, threads, "every thread was joined");
        kp_shutdown(); // twice is harmless
        // And it comes back.
        assert_eq!(run(true, || (1..=10u64).into_par_iter().sum::<u64>()), 55);
        kp_shutdown();
    }
}
