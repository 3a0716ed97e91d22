namespace BankAccounts.Api.Http;

/// <summary>
/// Bounds how many <c>?minVersion=</c> reads may wait for the read model at once on this node: each
/// one polls the database until it catches up, so an unbounded number of them would let a flood of
/// waiting requests cost CPU and connections. Past the bound a read is answered 503 at once.
/// </summary>
internal sealed class ReadYourWritesGate
{
    public const int MaxConcurrentWaits = 256;

    private readonly SemaphoreSlim _slots = new(MaxConcurrentWaits, MaxConcurrentWaits);

    /// <summary>A slot to wait in, or null when all are taken; dispose it when done.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
