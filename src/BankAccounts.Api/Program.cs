using BankAccounts.Api;
using BankAccounts.Api.Cli;
using BankAccounts.Api.Configuration;

if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args);
}
if (TokenCommand.IsRequested(args))
{
    return TokenCommand.Run(args, Console.Out, Console.Error);
}
if (VerifyCommand.IsRequested(args))
{
    return await VerifyCommand.RunAsync(args, Console.Out, Console.Error);
}

WebApplication app;
try
{
    app = BankAccountsApp.Build(args);
}
catch (InvalidSettingsException e)
{
    // The list of bad settings is the whole story; a stack trace would only bury it.
    Console.Error.WriteLine(e.Message);
    return 1;
}
try
{
    await app.RunAsync();
}
catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
{
    // Otherwise the process aborts on the unhandled exception; the host has logged the details already.
    Console.Error.WriteLine($"{e.Message} Stop the process that listens there, or choose another address: --urls http://127.0.0.1:<port>.");
    return 1;
}
return 0;
