using BankAccounts.Api;
using BankAccounts.Api.Cli;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}
if (TokenCommand.IsRequested(args))
{
    return TokenCommand.Run(args, Console.Out, Console.Error);
}

await BankAccountsApp.Build(args).RunAsync();
return 0;
