using System.Collections.Concurrent;

namespace BankAccounts.Api.Http;

/// <summary>
/// Bounds how many <c>?minVersion=</c> reads may wait for the read model at once: on this node, and
/// per caller (so one caller cannot take every slot). Each waiting read polls the database until it
/// catches up, so an unbounded number of them would let a flood cost CPU and connections. Past a
/// bound a read is answered 503 at once.
/// </summary>
internal sealed class ReadYourWritesGate
{
    public const int MaxConcurrentWaits = 256;
    public const int MaxConcurrentWaitsPerCaller = 16;

    private readonly SemaphoreSlim _slots = new(MaxConcurrentWaits, MaxConcurrentWaits);
    private readonly ConcurrentDictionary<string, int> _byCaller = new(StringComparer.Ordinal);

    /// <summary>A slot to wait in, or null when the node's or the caller's are all taken; dispose it when done.</summary>
    public IDisposable? TryEnter(string caller)
    {
        if (_byCaller.AddOrUpdate(caller, 1, (_, held) => held + 1) > MaxConcurrentWaitsPerCaller)
        {
            Leave(caller);
            return null;
        }
        if (!_slots.Wait(0))
        {
            Leave(caller);
            return null;
        }
        return new Slot(this, caller);
    }

    private void Leave(string caller)
    {
        if (_byCaller.AddOrUpdate(caller, 0, (_, held) => held - 1) <= 0)
        {
            _byCaller.TryRemove(KeyValuePair.Create(caller, 0));
        }
    }

    private sealed class Slot(ReadYourWritesGate gate, string caller) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate._slots.Release();
                gate.Leave(caller);
            }
        }
    }
}
