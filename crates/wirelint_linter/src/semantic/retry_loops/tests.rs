//! Retry-loop recognition, driven through the real checker: each snippet
//! is checked as a module and the loops the model recognised at its end are
//! inspected.

use ruff_text_size::TextRange;

use super::RetryLoop;
use crate::checker::module_retry_loops;
use crate::semantic::retry::Randomness;

/// The retry loops of a module-level snippet. `network_module`: the snippet
/// is checked with `import httpx` before it (which makes the module a
/// network module), or as it stands.
fn retry_loops(source: &str, network_module: bool) -> Vec<RetryLoop> {
    if network_module && !source.contains("import httpx") {
        module_retry_loops(&format!("import httpx\n{source}"))
    } else {
        module_retry_loops(source)
    }
}

fn single(source: &str) -> RetryLoop {
    let mut found = retry_loops(source, true);
    assert_eq!(found.len(), 1, "expected one retry loop in:\n{source}");
    found.pop().unwrap()
}

#[test]
fn the_policy_shape_is_a_bounded_jittered_retry_loop() {
    let source = "\
import asyncio, random
for attempt in range(max_attempts):
    try:
        result = call()
        break
    except Exception as error:
        if attempt == max_attempts - 1 or not is_retryable(error):
            raise
        ceiling = min(max_delay, base_delay * (2 ** attempt))
        asyncio.sleep(random.uniform(0.0, ceiling))
";
    let found = single(source);
    assert!(!found.unbounded);
    assert_eq!(found.handlers.len(), 1);
    let handler = &found.handlers[0];
    assert!(handler.caught.everything);
    assert!(handler.facts.raises && handler.facts.raise_checks_error);
    assert_eq!(found.backoff_sleeps.len(), 1);
    assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Random));
    // The same helper in a module with no network import is not a
    // retry loop: nothing in it talks to the network.
    assert!(retry_loops(source, false).is_empty());
}

#[test]
fn a_network_call_in_the_try_body_makes_a_retry_loop_anywhere() {
    let source = "\
import httpx, time
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        time.sleep(1)
";
    let found = retry_loops(source, false);
    assert_eq!(found.len(), 1);
    assert!(found[0].unbounded);
    assert_eq!(
        found[0].backoff_sleeps[0].randomness,
        Some(Randomness::Fixed)
    );
    assert_eq!(found[0].header, TextRange::new(19.into(), 29.into()));
}

#[test]
fn loops_that_never_leave_on_success_are_not_retry_loops() {
    let worker = "\
import httpx, time
while True:
    try:
        httpx.post(url, json=next_event())
    except Exception:
        time.sleep(1)
";
    assert!(retry_loops(worker, true).is_empty());
    let pages = "\
import httpx
for url in urls:
    try:
        pages.append(httpx.get(url))
    except httpx.HTTPError:
        continue
    if len(pages) > 10:
        break
";
    assert!(retry_loops(pages, true).is_empty());
}

#[test]
fn handlers_that_always_leave_do_not_retry() {
    let source = "\
import httpx
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        raise
    except httpx.HTTPStatusError:
        break
";
    assert!(retry_loops(source, true).is_empty());
}

#[test]
fn counters_deadlines_and_flags_decide_the_bound() {
    let counter_guard = "\
import httpx
while True:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        attempt += 1
        if attempt > 3:
            raise
";
    assert!(!single(counter_guard).unbounded);
    let counted_test = "\
import httpx
while attempt < 3:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        attempt = attempt + 1
";
    assert!(!single(counted_test).unbounded);
    let deadline = "\
import httpx, time
while time.monotonic() < deadline:
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        pass
";
    assert!(!single(deadline).unbounded);
    let flag = "\
import httpx
while not done:
    try:
        response = httpx.get(url)
        done = True
    except httpx.TransportError:
        pass
";
    assert!(single(flag).unbounded);
}

#[test]
fn tenacity_retrying_loops_retry_their_whole_body() {
    let source = "\
import httpx
from tenacity import Retrying, stop_after_attempt
for attempt in Retrying(stop=stop_after_attempt(3)):
    with attempt:
        httpx.post(url)
";
    let found = single(source);
    assert!(!found.unbounded);
    assert_eq!(found.retried, vec![found.body]);
}

#[test]
fn status_reads_and_sleeps_after_the_try_are_attributed() {
    let source = "\
import httpx, time
BASE = 0.5
for attempt in range(3):
    try:
        response = httpx.get(url)
        break
    except httpx.HTTPStatusError as error:
        log(error.response.status_code)
    time.sleep(BASE * 2 ** attempt)
";
    let found = single(source);
    assert!(found.handlers[0].mentions_status);
    assert_eq!(found.backoff_sleeps.len(), 1);
    assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Fixed));
}

#[test]
fn rebound_delays_keep_every_value() {
    let doubling = "\
import httpx, time
delay = 1
for attempt in range(3):
    try:
        response = httpx.get(url)
        break
    except httpx.TransportError:
        time.sleep(delay)
        delay *= 2
";
    let found = single(doubling);
    assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Fixed));
    let jittered = doubling.replace("delay *= 2", "delay += random.random()");
    let jittered = format!("import random\n{jittered}");
    let found = single(&jittered);
    assert_eq!(found.backoff_sleeps[0].randomness, Some(Randomness::Random));
    let unseen = doubling.replace("delay = 1", "delay, cap = limits()");
    let found = single(&unseen);
    assert_eq!(
        found.backoff_sleeps[0].randomness,
        Some(Randomness::Unknown)
    );
}

#[test]
fn a_status_test_makes_a_retry_loop_without_a_try() {
    let source = "\
import httpx, time
for attempt in range(5):
    response = httpx.post(url)
    if response.status_code == 200:
        break
    time.sleep(2)
";
    let found = single(source);
    assert!(found.handlers.is_empty());
    assert_eq!(found.status_retries.len(), 1);
    let retry = &found.status_retries[0];
    assert!(retry.retried.contains(404) && retry.retried.contains(503));
    assert!(!retry.retried.contains(200) && !retry.classified);
    assert!(found.same_request && found.waits);
    assert_eq!(found.attempts, Some(5));
    assert_eq!(found.backoff_sleeps.len(), 1);
    // The request before the status test is what each attempt sends again.
    let request = source.find("httpx.post").unwrap();
    assert!(found.retries(u32::try_from(request).unwrap().into()));
}

#[test]
fn polls_and_fallbacks_are_not_status_retries() {
    let accepted = "\
import httpx, time
while True:
    response = httpx.get(url)
    if response.status_code == 202:
        time.sleep(2)
        continue
    return_value = response.json()
    break
";
    assert!(retry_loops(accepted, true).is_empty());
    let mirrors = "\
import httpx
for attempt in range(2):
    response = httpx.get(urls[attempt])
    if response.status_code == 200:
        break
";
    assert!(retry_loops(mirrors, true).is_empty());
    let job_field = "\
import httpx, time
while True:
    job = httpx.get(url).json()
    if job['state'] == 'done':
        break
    time.sleep(5)
";
    assert!(retry_loops(job_field, true).is_empty());
}

#[test]
fn a_classifying_failure_path_is_noted() {
    let source = "\
import httpx, time
for attempt in range(3):
    response = httpx.get(url)
    if response.is_success:
        break
    if response.status_code in (400, 404):
        raise ValueError(url)
    time.sleep(1)
";
    let found = single(source);
    assert!(found.status_retries[0].classified);
}
