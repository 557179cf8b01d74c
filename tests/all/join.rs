//! Running HTTP calls concurrently without an extra dependency.

/// Runs the calls concurrently and returns their statuses, in order.
pub async fn futures_join<F: std::future::Future<Output = crate::harness::Answer>>(
    calls: impl Iterator<Item = F>,
) -> Vec<u16> {
    let pinned: Vec<_> = calls.map(Box::pin).collect();
    let mut out = Vec::new();
    for a in join_all(pinned).await {
        out.push(a.status.as_u16());
    }
    out
}

/// Polls the futures together until all are ready.
pub async fn join_all<F: std::future::Future + Unpin>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Option<F>> = futures.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, slot) in futures.iter_mut().enumerate() {
            if let Some(f) = slot {
                match std::pin::Pin::new(f).poll(cx) {
                    std::task::Poll::Ready(v) => {
                        results[i] = Some(v);
                        *slot = None;
                    }
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results.into_iter().map(|r| r.expect("ready")).collect()
}
