namespace BankAccounts.ReadModel.Projections;

public static class ProjectionNames
{
    /// <summary>Account summaries and ledger entries.</summary>
    public const string AccountLedger = "account-ledger";

    /// <summary>Alerts raised by declined withdrawals and closures.</summary>
    public const string DeclineAlerts = "decline-alerts";

    /// <summary>Transfers with their status, per account.</summary>
    public const string Transfers = "transfers";

    public static readonly IReadOnlyList<string> All = [AccountLedger, DeclineAlerts, Transfers];
}
