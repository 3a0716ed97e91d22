using BankAccounts.Domain;

namespace BankAccounts.Actors;

/// <summary>Messages the transfer process manager understands besides <see cref="RequestTransfer"/>.</summary>
public static class TransferMessages
{
    /// <summary>Answered with the transfer's <see cref="TransferState"/> (status <c>NotRequested</c> if unknown).</summary>
    public sealed record GetTransfer(TransferId TransferId);

    /// <summary>Wakes a pending transfer up after a restart; harmless for any other.</summary>
    public sealed record ResumeTransfer(TransferId TransferId);

    /// <summary>Hand-off / passivation message: the process resumes wherever it is started next.</summary>
    public sealed record StopTransfer
    {
        public static readonly StopTransfer Instance = new();
    }
}
