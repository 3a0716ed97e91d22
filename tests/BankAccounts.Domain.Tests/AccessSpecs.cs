using BankAccounts.Domain.Security;
using static BankAccounts.Domain.Tests.AccountSpec;

namespace BankAccounts.Domain.Tests;

/// <summary>Who may do what to an account, decided by the account itself from the principal its command carries.</summary>
public sealed class AccessSpecs
{
    private static readonly Principal Ada = new("ada", Role.Customer, "Ada Lovelace");
    private static readonly Principal Mallory = new("mallory", Role.Customer);
    private static readonly Principal Teller = new("teller-1", Role.Teller);
    private static readonly Principal Auditor = new("auditor-1", Role.Auditor);
    private static readonly Principal Admin = new("admin-1", Role.Admin);

    public static TheoryData<string, string, AccessVerdict> Table()
    {
        var data = new TheoryData<string, string, AccessVerdict>();
        foreach (var action in Enum.GetValues<AccountAction>())
        {
            var money = action is AccountAction.Deposit or AccountAction.Withdraw;
            data.Add("ada", action.ToString(), AccessVerdict.Allowed);
            data.Add("mallory", action.ToString(), action == AccountAction.Open ? AccessVerdict.Allowed : AccessVerdict.NotFound);
            data.Add("teller", action.ToString(), money || action is AccountAction.Open or AccountAction.Read ? AccessVerdict.Allowed : AccessVerdict.Forbidden);
            data.Add("auditor", action.ToString(), action == AccountAction.Read ? AccessVerdict.Allowed : AccessVerdict.Forbidden);
            data.Add("admin", action.ToString(), action == AccountAction.Read ? AccessVerdict.Allowed : AccessVerdict.Forbidden);
            data.Add("anonymous", action.ToString(), AccessVerdict.Forbidden);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Should_decide_every_role_and_action_on_an_account_owned_by_ada(string who, string action, AccessVerdict verdict)
    {
        var principal = who switch
        {
            "ada" => Ada,
            "mallory" => Mallory,
            "teller" => Teller,
            "auditor" => Auditor,
            "admin" => Admin,
            _ => Principal.Anonymous,
        };

        Assert.Equal(verdict, AccountAccess.Check(principal, Enum.Parse<AccountAction>(action), ownerId: "ada"));
    }

    [Fact]
    public void Should_let_no_customer_reach_an_account_opened_before_owners_were_recorded()
    {
        Assert.Equal(AccessVerdict.NotFound, AccountAccess.Check(Ada, AccountAction.Read, ownerId: null));
        Assert.Equal(AccessVerdict.Allowed, AccountAccess.Check(Teller, AccountAction.Read, ownerId: null));
        Assert.Equal(AccessVerdict.Allowed, AccountAccess.Check(Auditor, AccountAction.Read, ownerId: null));
    }

    [Fact]
    public void Should_answer_a_customer_on_someone_elses_account_exactly_as_for_a_missing_account()
    {
        var adas = Given(Opened() with { OwnerId = "ada" });
        var missing = Given();

        var onAdas = adas.When(Deposit(10m) with { Principal = Mallory }).Decision;
        var onMissing = missing.When(Deposit(10m) with { Principal = Mallory }).Decision;

        var (a, b) = (Assert.IsType<CommandRejected>(onAdas.Outcome), Assert.IsType<CommandRejected>(onMissing.Outcome));
        Assert.Equal((RejectionReason.AccountNotFound, RejectionReason.AccountNotFound), (a.Reason, b.Reason));
        Assert.Equal(a.Errors, b.Errors);
        Assert.Empty(onAdas.Events);
    }

    [Fact]
    public void Should_open_a_customers_account_in_their_name_and_record_who_did_it()
    {
        var opened = Given().When(Open() with { Principal = Ada, TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });

        var @event = Assert.IsType<AccountEvents.AccountOpened>(Assert.Single(opened.Decision.Events));
        Assert.Equal("ada", @event.OwnerId);
        Assert.Equal(new EventMetadata(Ada, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), @event.Metadata);
        Assert.Equal("ada", opened.Decision.NewState.AsOpened().OwnerId);
    }

    [Fact]
    public void Should_refuse_a_customer_granting_itself_an_overdraft_or_opening_for_someone_else()
    {
        Given().When(Open(overdraft: 100m) with { Principal = Ada }).ThenRejects(RejectionReason.Forbidden);
        Given().When(Open() with { Principal = Ada, CustomerId = "mallory" }).ThenRejects(RejectionReason.Forbidden);
        Given().When(Open(overdraft: 100m) with { Principal = Teller }).ThenRejects(RejectionReason.Forbidden); // names no customer
    }

    [Fact]
    public void Should_let_a_teller_open_for_a_named_customer_with_an_overdraft()
    {
        var opened = Given().When(Open(overdraft: 100m) with { Principal = Teller, CustomerId = "ada" });

        var @event = Assert.IsType<AccountEvents.AccountOpened>(Assert.Single(opened.Decision.Events));
        Assert.Equal(("ada", Teller), (@event.OwnerId, @event.Metadata.CausedBy));
    }

    [Fact]
    public void Should_refuse_money_movements_to_auditors_and_admins_and_closing_to_tellers()
    {
        var owned = Given(Opened() with { OwnerId = "ada" }, Deposited(100m));
        foreach (var principal in new[] { Auditor, Admin })
        {
            owned.When(Deposit(1m) with { Principal = principal }).ThenRejects(RejectionReason.Forbidden);
            owned.When(Withdraw(1m) with { Principal = principal }).ThenRejects(RejectionReason.Forbidden);
        }
        owned.When(Close() with { Principal = Teller }).ThenRejects(RejectionReason.Forbidden);
        owned.When(Debit(1m) with { Principal = Teller }).ThenRejects(RejectionReason.Forbidden);
    }

    [Fact]
    public void Should_refuse_anything_to_a_command_nobody_attributed()
    {
        // Straight to the decider: the spec helpers attribute unattributed commands to the system.
        var state = Account.Replay(Id, [Opened()]);

        var decision = Account.Decide(state, Deposit(1m) with { Principal = Principal.Anonymous }, Now);

        Assert.Equal(RejectionReason.Forbidden, Assert.IsType<CommandRejected>(decision.Outcome).Reason);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Should_refuse_a_client_command_carrying_a_transfer_steps_id()
    {
        var stepId = SomeTransfer.StepCommandId(Transfer.RefundStep);

        Given(Opened(), Deposited(100m)).When(Deposit(1m, id: stepId)).ThenRejects(RejectionReason.InvalidCommand);
    }

    [Fact]
    public void Should_refuse_a_transfer_requested_by_staff()
    {
        var request = new RequestTransfer(SomeTransfer, Id, OtherId, 10m, null, CommandId.New()) { Principal = Teller };

        var decision = Transfer.Request(TransferState.Initial(SomeTransfer), request, Now);

        Assert.Equal(RejectionReason.Forbidden, decision.Rejection?.Reason);
        Assert.Empty(decision.Events);
    }

    [Fact]
    public void Should_let_no_teller_open_an_account_under_its_own_subject()
    {
        Given().When(Open() with { Principal = Teller, CustomerId = Teller.Subject }).ThenRejects(RejectionReason.Forbidden);
    }

    [Fact]
    public void Should_tell_a_customer_opening_an_existing_account_of_someone_else_only_that_it_does_not_exist()
    {
        Given(Opened() with { OwnerId = "ada" }).When(Open() with { Principal = Mallory }).ThenRejects(RejectionReason.AccountNotFound);
    }

    [Theory]
    [InlineData("system")]
    [InlineData("system:legacy")]
    [InlineData("system:anything")]
    public void Should_keep_the_systems_own_subjects_out_of_tokens(string subject)
    {
        Assert.False(Principal.IsValidSubject(subject));
    }

    [Fact]
    public void Should_find_the_release_one_form_of_a_key_only_for_a_plain_key()
    {
        var caller = new Principal("ada", Role.Customer);
        var other = new Principal("bob", Role.Teller);

        Assert.Equal(new CommandId("salary-1"), CommandId.ForCaller(caller, "salary-1").ReleaseOneForm);
        // A key that spells out another caller's id or a transfer step's id stays the caller's own key.
        Assert.Null(CommandId.ForCaller(caller, CommandId.ForCaller(other, "x").Value).ReleaseOneForm);
        Assert.Null(CommandId.ForCaller(caller, SomeTransfer.StepCommandId(Transfer.SettleStep).Value).ReleaseOneForm);
        Assert.Null(SomeTransfer.StepCommandId(Transfer.SettleStep).ReleaseOneForm);
    }
}
