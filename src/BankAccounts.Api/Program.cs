using BankAccounts.Api;
using BankAccounts.Api.Health;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}

await BankAccountsApp.Build(args).RunAsync();
return 0;
