using BankAccounts.Api;

await BankAccountsApp.Build(args).RunAsync();
