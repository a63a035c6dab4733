//! The CRM: contacts and their matching forms, orders linked to contacts,
//! interactions, pipelines, opportunities and their log, duplicates,
//! merges and erasure — every rule and every refusal.

use racine::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

fn db() -> Database {
    let db = super::open();
    db.set_default_country(Some("FR"), None).unwrap();
    db
}

fn invalid(e: Error, field: &str) {
    match e {
        Error::InvalidInput { field: f, .. } => assert_eq!(f, field),
        other => panic!("expected invalid {field}, got {other:?}"),
    }
}

fn transition(e: Error) {
    assert!(matches!(e, Error::InvalidTransition { .. }), "{e:?}");
}

/// An order of `quantity` mugs at 5 EUR for `customer`.
pub(super) fn mug_order(
    id: &str,
    quantity: &str,
    customer: Customer,
    create_contact: bool,
) -> NewOrder {
    NewOrder {
        external_id: id.into(),
        customer,
        currency: "EUR".into(),
        lines: vec![NewOrderLine {
            sku: "MUG".into(),
            quantity: d(quantity),
            unit_price: d("5"),
            warehouse: None,
        }],
        placed_at: None,
        expires_at: None,
        create_contact,
    }
}

struct Sales {
    db: Database,
    pipeline: Pipeline,
    marie: Contact,
}

impl Sales {
    fn stage(&self, name: &str) -> i64 {
        self.db
            .pipeline(self.pipeline.id)
            .unwrap()
            .stages
            .iter()
            .find(|s| s.name == name)
            .unwrap()
            .id
    }
}

fn sales() -> Sales {
    let db = db();
    let pipeline = db
        .create_pipeline(
            &NewPipeline {
                name: "Sales".into(),
                stages: vec![
                    NewStage::open("Lead", d("10")),
                    NewStage::open("Proposal", d("50")),
                    NewStage::open("Negotiation", d("80")),
                    NewStage::closed("Won", StageKind::Won),
                    NewStage::closed("Lost", StageKind::Lost),
                ],
            },
            None,
        )
        .unwrap();
    db.add_lost_reason("price", "Too expensive", None).unwrap();
    let marie = db
        .create_contact(
            &NewContact {
                emails: vec!["marie@example.fr".into()],
                ..NewContact::person("Marie Curie")
            },
            None,
        )
        .unwrap();
    Sales {
        db,
        pipeline,
        marie,
    }
}

#[test]
fn a_contact_keeps_what_was_given_and_its_matching_forms() {
    let db = db();
    let acme = db
        .create_contact(&NewContact::company("ACME"), None)
        .unwrap();
    let mut custom = serde_json::Map::new();
    custom.insert("vip".into(), serde_json::json!(true));
    let c = db
        .create_contact(
            &NewContact {
                company: Some(acme.id),
                emails: vec![
                    "  Jean.Martin@ACME.fr ".into(),
                    "jean.martin@acme.fr".into(),
                ],
                phones: vec!["06 12 34 56 78".into(), "+44 20 7946 0958".into()],
                tags: vec!["vip".into(), "b2b".into(), "vip".into()],
                source: Some("fair".into()),
                owner: Some("sophie".into()),
                external_id: Some("U-1".into()),
                notes: Some("Prefers mornings".into()),
                custom,
                ..NewContact::person("Jean  Martin")
            },
            None,
        )
        .unwrap();
    assert_eq!(c.emails.len(), 1, "the same address twice is one");
    assert_eq!(
        (
            c.emails[0].address.as_str(),
            c.emails[0].normalised.as_str()
        ),
        ("Jean.Martin@ACME.fr", "jean.martin@acme.fr")
    );
    assert_eq!(
        c.phones.iter().map(|p| p.e164.as_str()).collect::<Vec<_>>(),
        ["+33612345678", "+442079460958"]
    );
    assert_eq!(c.phones[0].number, "06 12 34 56 78");
    assert_eq!(c.tags, ["b2b", "vip"]);
    assert_eq!(c.custom["vip"], serde_json::json!(true));
    assert_eq!(db.contact(c.id).unwrap(), c);
    assert_eq!(db.contact_by_external_id("U-1").unwrap().id, c.id);

    let changed = db
        .update_contact(
            c.id,
            &ContactChanges {
                phones: Some(vec!["+33 6 99 99 99 99".into()]),
                notes: Some(None),
                company: Some(None),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(changed.phones[0].e164, "+33699999999");
    assert_eq!((changed.notes, changed.company), (None, None));
    assert_eq!(changed.emails, c.emails, "what was not given stays");

    let archived = db.archive_contact(c.id, None).unwrap();
    assert_eq!(archived.status, ContactStatus::Archived);
    transition(db.archive_contact(c.id, None).unwrap_err());
    assert_eq!(
        db.restore_contact(c.id, None).unwrap().status,
        ContactStatus::Active
    );
}

#[test]
fn bad_contacts_are_refused_on_their_field_and_write_nothing() {
    let db = db();
    let person = db.create_contact(&NewContact::person("Ana"), None).unwrap();
    let cases: Vec<(NewContact, &str)> = vec![
        (NewContact::person(" "), "name"),
        (
            NewContact {
                emails: vec!["ana.example.fr".into()],
                ..NewContact::person("A")
            },
            "emails[0]",
        ),
        (
            NewContact {
                phones: vec!["12".into()],
                ..NewContact::person("A")
            },
            "phones[0]",
        ),
        (
            NewContact {
                tags: vec!["".into()],
                ..NewContact::person("A")
            },
            "tags[0]",
        ),
        (
            NewContact {
                company: Some(person.id),
                ..NewContact::person("A")
            },
            "company",
        ),
        (
            NewContact {
                company: Some(person.id),
                ..NewContact::company("B")
            },
            "company",
        ),
    ];
    for (c, field) in cases {
        invalid(db.create_contact(&c, None).unwrap_err(), field);
    }
    assert!(matches!(
        db.create_contact(
            &NewContact {
                company: Some(999),
                ..NewContact::person("A")
            },
            None
        ),
        Err(Error::NotFound {
            entity: "contact",
            ..
        })
    ));
    db.create_contact(
        &NewContact {
            external_id: Some("X".into()),
            ..NewContact::person("A")
        },
        None,
    )
    .unwrap();
    assert!(matches!(
        db.create_contact(
            &NewContact {
                external_id: Some("X".into()),
                ..NewContact::person("B")
            },
            None
        ),
        Err(Error::AlreadyExists {
            entity: "contact",
            ..
        })
    ));
    assert_eq!(
        db.contacts(&ContactFilter::default()).unwrap().items.len(),
        2
    );
    // Without a default country a national number cannot be read.
    let bare = super::open();
    invalid(
        bare.create_contact(
            &NewContact {
                phones: vec!["06 12 34 56 78".into()],
                ..NewContact::person("A")
            },
            None,
        )
        .unwrap_err(),
        "phones[0]",
    );
    invalid(
        bare.set_default_country(Some("France"), None).unwrap_err(),
        "country",
    );
}

#[test]
fn contacts_are_searched_and_listed_by_keyset() {
    let db = db();
    let acme = db
        .create_contact(&NewContact::company("ACME"), None)
        .unwrap();
    for i in 0..5 {
        db.create_contact(
            &NewContact {
                company: Some(acme.id),
                emails: vec![format!("p{i}@acme.fr")],
                phones: vec![format!("06 12 34 56 7{i}")],
                tags: vec![if i % 2 == 0 { "even" } else { "odd" }.into()],
                owner: Some("sophie".into()),
                ..NewContact::person(format!("Person {i}"))
            },
            None,
        )
        .unwrap();
    }
    let search = |s: &str| {
        db.contacts(&ContactFilter {
            search: Some(s.into()),
            ..Default::default()
        })
        .unwrap()
        .items
        .into_iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
    };
    assert_eq!(search("person 3"), ["Person 3"]);
    assert_eq!(
        search("P2@ACME"),
        ["Person 2"],
        "emails compare case-folded"
    );
    assert_eq!(
        search("+33 6 12 34 56 74"),
        ["Person 4"],
        "phones compare in E.164"
    );
    assert_eq!(search("0612345671"), ["Person 1"]);
    assert_eq!(search("odd").len(), 2);
    assert_eq!(search("100%").len(), 0, "wildcards are text");
    let f = |f: ContactFilter| db.contacts(&f).unwrap().items.len();
    assert_eq!(
        f(ContactFilter {
            kind: Some(ContactKind::Company),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(ContactFilter {
            company: Some(acme.id),
            ..Default::default()
        }),
        5
    );
    assert_eq!(
        f(ContactFilter {
            tag: Some("even".into()),
            ..Default::default()
        }),
        3
    );
    assert_eq!(
        f(ContactFilter {
            email: Some(" P1@acme.FR".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(ContactFilter {
            phone: Some("06 12 34 56 70".into()),
            ..Default::default()
        }),
        1
    );
    assert_eq!(
        f(ContactFilter {
            owner: Some("sophie".into()),
            ..Default::default()
        }),
        5
    );
    // Keyset pages: every contact once.
    let mut seen = vec![];
    let mut page = PageRequest::first(2);
    loop {
        let p = db
            .contacts(&ContactFilter {
                page,
                ..Default::default()
            })
            .unwrap();
        seen.extend(p.items.iter().map(|c| c.id));
        match p.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn orders_link_to_contacts_by_external_id_then_email() {
    let db = db();
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("10"), d("4"))).unwrap();
    let ana = db
        .create_contact(
            &NewContact {
                emails: vec!["Ana@Example.com".into()],
                external_id: Some("C-7".into()),
                ..NewContact::person("Ana")
            },
            None,
        )
        .unwrap();
    let order = |id: &str, customer: Customer, create: bool| mug_order(id, "1", customer, create);
    let by_id = db
        .place_order(
            &order(
                "1",
                Customer {
                    external_id: Some("C-7".into()),
                    ..Default::default()
                },
                false,
            ),
            None,
        )
        .unwrap();
    assert_eq!(by_id.contact, Some(ana.id));
    let by_email = db
        .place_order(
            &order(
                "2",
                Customer {
                    email: Some(" ana@EXAMPLE.com ".into()),
                    ..Default::default()
                },
                false,
            ),
            None,
        )
        .unwrap();
    assert_eq!(by_email.contact, Some(ana.id));
    let stranger = Customer {
        email: Some("bob@example.com".into()),
        name: Some("Bob".into()),
        external_id: Some("C-8".into()),
    };
    assert_eq!(
        db.place_order(&order("3", stranger.clone(), false), None)
            .unwrap()
            .contact,
        None
    );
    let created = db
        .place_order(&order("4", stranger.clone(), true), Some("k4"))
        .unwrap();
    let bob = db.contact(created.contact.unwrap()).unwrap();
    assert_eq!(
        (
            bob.name.as_str(),
            bob.external_id.as_deref(),
            bob.source.as_deref()
        ),
        ("Bob", Some("C-8"), Some("order"))
    );
    // The next order of the same customer finds Bob: no second contact.
    assert_eq!(
        db.place_order(&order("5", stranger, true), None)
            .unwrap()
            .contact,
        Some(bob.id)
    );
    // A retried webhook creates nothing more.
    assert_eq!(
        db.place_order(
            &order(
                "4",
                Customer {
                    email: Some("bob@example.com".into()),
                    name: Some("Bob".into()),
                    external_id: Some("C-8".into())
                },
                true
            ),
            Some("k4")
        )
        .unwrap(),
        created
    );
    assert_eq!(
        db.contacts(&ContactFilter::default()).unwrap().items.len(),
        2
    );
    let ana_orders: Vec<String> = db
        .contact_orders(ana.id, &PageRequest::default())
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.external_id)
        .collect();
    assert_eq!(ana_orders, ["1", "2"]);
    let first = db.contact_orders(ana.id, &PageRequest::first(1)).unwrap();
    assert_eq!((first.items.len(), first.next.is_some()), (1, true));
    invalid(
        db.place_order(
            &order(
                "6",
                Customer {
                    email: Some("not an email".into()),
                    ..Default::default()
                },
                true,
            ),
            None,
        )
        .unwrap_err(),
        "customer.email",
    );
    // Without create_contact a malformed email only matches nothing, as before the CRM.
    let junk = Customer {
        email: Some("not an email".into()),
        ..Default::default()
    };
    assert_eq!(
        db.place_order(&order("7", junk, false), None)
            .unwrap()
            .contact,
        None
    );
    invalid(
        db.place_order(&order("6", Customer::default(), true), None)
            .unwrap_err(),
        "customer",
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn interactions_are_listed_recent_and_planned() {
    let s = sales();
    let db = &s.db;
    let deal = db
        .create_opportunity(
            &NewOpportunity::new("Benches", s.marie.id, s.pipeline.id),
            None,
        )
        .unwrap();
    let now = ts("2026-06-10T12:00:00Z");
    let log = |kind, at: &str, author: &str, opportunity| {
        db.log_interaction(
            &NewInteraction {
                opportunity,
                author: Some(author.into()),
                at: Some(ts(at)),
                ..NewInteraction::new(kind, s.marie.id, format!("{kind} at {at}"))
            },
            None,
        )
        .unwrap()
    };
    let call = log(
        InteractionKind::Call,
        "2026-06-01T09:00:00Z",
        "sophie",
        Some(deal.id),
    );
    let mail = log(InteractionKind::Email, "2026-06-05T09:00:00Z", "paul", None);
    let meeting = log(
        InteractionKind::Meeting,
        "2026-06-20T09:00:00Z",
        "sophie",
        Some(deal.id),
    );
    let task = db
        .log_interaction(
            &NewInteraction {
                due: Some("2026-06-08".parse().unwrap()),
                at: Some(ts("2026-06-02T09:00:00Z")),
                ..NewInteraction::new(InteractionKind::Task, s.marie.id, "Send the quote")
            },
            None,
        )
        .unwrap();
    let ids = |f: InteractionFilter| {
        db.interactions(&InteractionFilter {
            now: Some(now),
            ..f
        })
        .unwrap()
        .items
        .into_iter()
        .map(|i| i.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(InteractionFilter::default()),
        [mail.id, call.id],
        "recent: newest first"
    );
    assert_eq!(
        ids(InteractionFilter {
            when: InteractionWhen::Planned,
            ..Default::default()
        }),
        [task.id, meeting.id],
        "planned: soonest first, open tasks included"
    );
    assert_eq!(
        ids(InteractionFilter {
            when: InteractionWhen::All,
            opportunity: Some(deal.id),
            ..Default::default()
        }),
        [meeting.id, call.id]
    );
    assert_eq!(
        ids(InteractionFilter {
            when: InteractionWhen::All,
            owner: Some("sophie".into()),
            ..Default::default()
        }),
        [meeting.id, call.id]
    );
    let page = db
        .interactions(&InteractionFilter {
            when: InteractionWhen::All,
            now: Some(now),
            page: PageRequest::first(3),
            ..Default::default()
        })
        .unwrap();
    let rest = db
        .interactions(&InteractionFilter {
            when: InteractionWhen::All,
            now: Some(now),
            page: PageRequest {
                limit: Some(3),
                after: page.next,
            },
            ..Default::default()
        })
        .unwrap();
    assert_eq!(page.items.len() + rest.items.len(), 4);
    assert_eq!(rest.items.len(), 1);
    let done = db.complete_task(task.id, None).unwrap();
    assert!(done.done && done.done_at.is_some());
    transition(db.complete_task(task.id, None).unwrap_err());
    transition(db.complete_task(call.id, None).unwrap_err());
    assert_eq!(
        ids(InteractionFilter {
            when: InteractionWhen::Planned,
            ..Default::default()
        }),
        [meeting.id]
    );
    invalid(
        db.log_interaction(
            &NewInteraction {
                due: Some("2026-06-08".parse().unwrap()),
                ..NewInteraction::new(InteractionKind::Call, s.marie.id, "x")
            },
            None,
        )
        .unwrap_err(),
        "due",
    );
    invalid(
        db.log_interaction(
            &NewInteraction::new(InteractionKind::Note, s.marie.id, ""),
            None,
        )
        .unwrap_err(),
        "summary",
    );
    let other = db
        .create_contact(&NewContact::person("Paul"), None)
        .unwrap();
    invalid(
        db.log_interaction(
            &NewInteraction {
                opportunity: Some(deal.id),
                ..NewInteraction::new(InteractionKind::Note, other.id, "x")
            },
            None,
        )
        .unwrap_err(),
        "opportunity",
    );
}

#[test]
fn an_opportunity_moves_wins_and_its_log_says_so() {
    let s = sales();
    let db = &s.db;
    let deal = db
        .create_opportunity(
            &NewOpportunity {
                amount: Some(d("1200")),
                currency: Some("EUR".into()),
                owner: Some("sophie".into()),
                expected_close: Some("2026-07-31".parse().unwrap()),
                actor: Some("sophie".into()),
                ..NewOpportunity::new("Lab benches", s.marie.id, s.pipeline.id)
            },
            Some("opp-1"),
        )
        .unwrap();
    assert_eq!(
        (deal.stage_name.as_str(), deal.status, deal.probability),
        ("Lead", OpportunityStatus::Open, d("10"))
    );
    assert_eq!(deal.history[0].kind, TransitionKind::Created);
    let meta = TransitionMeta {
        actor: Some("sophie".into()),
        note: Some("sent".into()),
        at: None,
    };
    let moved = db
        .move_opportunity(deal.id, s.stage("Proposal"), &meta, None)
        .unwrap();
    assert_eq!(moved.probability, d("50"));
    let own = db
        .update_opportunity(
            deal.id,
            &OpportunityChanges {
                probability: Some(Some(d("65"))),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    assert_eq!(
        (own.probability, own.probability_override),
        (d("65"), Some(d("65")))
    );
    let won = db
        .win_opportunity(deal.id, None, None, &TransitionMeta::default(), None)
        .unwrap();
    let o = &won.opportunity;
    assert_eq!(
        (o.status, o.stage_name.as_str(), o.probability),
        (OpportunityStatus::Won, "Won", d("100"))
    );
    assert!(o.closed_at.is_some() && won.order.is_none());
    let kinds: Vec<_> = o.history.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [
            TransitionKind::Created,
            TransitionKind::Moved,
            TransitionKind::Won
        ]
    );
    assert_eq!(o.history[1].from_stage_name.as_deref(), Some("Lead"));
    assert_eq!(o.history[1].note.as_deref(), Some("sent"));
    transition(
        db.win_opportunity(deal.id, None, None, &TransitionMeta::default(), None)
            .unwrap_err(),
    );
    transition(
        db.move_opportunity(deal.id, s.stage("Lead"), &meta, None)
            .unwrap_err(),
    );
    transition(
        db.lose_opportunity(deal.id, "price", None, &meta, None)
            .unwrap_err(),
    );
    // Reopened into the stage it was won from.
    let again = db.reopen_opportunity(deal.id, None, &meta, None).unwrap();
    assert_eq!(
        (again.status, again.stage_name.as_str(), again.closed_at),
        (OpportunityStatus::Open, "Proposal", None)
    );
    assert_eq!(
        again.probability,
        d("65"),
        "its own probability comes back with it"
    );
    transition(
        db.reopen_opportunity(deal.id, None, &meta, None)
            .unwrap_err(),
    );
    assert!(db.verify().unwrap().is_clean());
    assert_eq!(db.verify().unwrap().opportunities_checked, 1);
    assert_eq!(
        db.opportunities(&OpportunityFilter {
            owner: Some("sophie".into()),
            ..Default::default()
        })
        .unwrap()
        .items
        .len(),
        1
    );
    assert_eq!(
        db.opportunities(&OpportunityFilter {
            status: Some(OpportunityStatus::Won),
            ..Default::default()
        })
        .unwrap()
        .items
        .len(),
        0
    );
}

#[test]
fn lost_then_reopened() {
    let s = sales();
    let db = &s.db;
    let deal = db
        .create_opportunity(
            &NewOpportunity::new("Chairs", s.marie.id, s.pipeline.id),
            None,
        )
        .unwrap();
    let meta = TransitionMeta::default();
    invalid(
        db.lose_opportunity(deal.id, "weather", None, &meta, None)
            .unwrap_err(),
        "reason",
    );
    let lost = db
        .lose_opportunity(deal.id, "price", None, &meta, None)
        .unwrap();
    assert_eq!(
        (lost.status, lost.lost_reason.as_deref(), lost.probability),
        (OpportunityStatus::Lost, Some("price"), d("0"))
    );
    let back = db
        .reopen_opportunity(deal.id, Some(s.stage("Negotiation")), &meta, None)
        .unwrap();
    assert_eq!(
        (
            back.status,
            back.lost_reason.clone(),
            back.stage_name.as_str()
        ),
        (OpportunityStatus::Open, None, "Negotiation")
    );
    assert_eq!(back.history.last().unwrap().kind, TransitionKind::Reopened);
    db.retire_lost_reason("price", None).unwrap();
    invalid(
        db.lose_opportunity(deal.id, "price", None, &meta, None)
            .unwrap_err(),
        "reason",
    );
    assert!(!db.crm_settings().unwrap().lost_reasons[0].active);
}

#[test]
fn opportunity_refusals_name_their_field() {
    let s = sales();
    let db = &s.db;
    let other = db
        .create_pipeline(
            &NewPipeline {
                name: "Partners".into(),
                stages: vec![NewStage::open("Talk", d("20"))],
            },
            None,
        )
        .unwrap();
    let new = |f: &dyn Fn(&mut NewOpportunity)| {
        let mut o = NewOpportunity::new("Deal", s.marie.id, s.pipeline.id);
        f(&mut o);
        o
    };
    invalid(
        db.create_opportunity(&new(&|o| o.stage = Some(other.stages[0].id)), None)
            .unwrap_err(),
        "stage",
    );
    invalid(
        db.create_opportunity(&new(&|o| o.stage = Some(s.stage("Won"))), None)
            .unwrap_err(),
        "stage",
    );
    invalid(
        db.create_opportunity(&new(&|o| o.amount = Some(d("10"))), None)
            .unwrap_err(),
        "currency",
    );
    invalid(
        db.create_opportunity(&new(&|o| o.currency = Some("euro".into())), None)
            .unwrap_err(),
        "currency",
    );
    invalid(
        db.create_opportunity(&new(&|o| o.probability = Some(d("101"))), None)
            .unwrap_err(),
        "probability",
    );
    invalid(
        db.create_opportunity(&new(&|o| o.title = "".into()), None)
            .unwrap_err(),
        "title",
    );
    assert!(matches!(
        db.create_opportunity(&new(&|o| o.pipeline = 99), None),
        Err(Error::NotFound {
            entity: "pipeline",
            ..
        })
    ));
    assert!(matches!(
        db.create_opportunity(&new(&|o| o.stage = Some(999)), None),
        Err(Error::NotFound {
            entity: "stage",
            ..
        })
    ));
    assert!(matches!(
        db.create_opportunity(
            &new(&|o| o.lines = vec![OpportunityLine {
                sku: "NOPE".into(),
                quantity: d("1"),
                unit_price: d("1")
            }]),
            None
        ),
        Err(Error::NotFound { entity: "item", .. })
    ));
    // A pipeline without a won stage cannot win.
    let partner = db
        .create_opportunity(&NewOpportunity::new("Partner", s.marie.id, other.id), None)
        .unwrap();
    invalid(
        db.win_opportunity(partner.id, None, None, &TransitionMeta::default(), None)
            .unwrap_err(),
        "stage",
    );
    invalid(
        db.lose_opportunity(partner.id, "price", None, &TransitionMeta::default(), None)
            .unwrap_err(),
        "stage",
    );
    invalid(
        db.win_opportunity(
            partner.id,
            Some(s.stage("Won")),
            None,
            &TransitionMeta::default(),
            None,
        )
        .unwrap_err(),
        "stage",
    );
    let deal = db.create_opportunity(&new(&|_| {}), None).unwrap();
    invalid(
        db.move_opportunity(deal.id, s.stage("Won"), &TransitionMeta::default(), None)
            .unwrap_err(),
        "stage",
    );
    transition(
        db.move_opportunity(deal.id, s.stage("Lead"), &TransitionMeta::default(), None)
            .unwrap_err(),
    );
    let past = TransitionMeta {
        at: Some(ts("2001-01-01T00:00:00Z")),
        ..Default::default()
    };
    invalid(
        db.move_opportunity(deal.id, s.stage("Proposal"), &past, None)
            .unwrap_err(),
        "at",
    );
    invalid(
        db.update_opportunity(
            deal.id,
            &OpportunityChanges {
                amount: Some(Some(d("5"))),
                ..Default::default()
            },
            None,
        )
        .unwrap_err(),
        "currency",
    );
    // Nothing of the refused writes is there.
    assert_eq!(db.opportunity(deal.id).unwrap().history.len(), 1);
    assert_eq!(
        db.opportunities(&OpportunityFilter::default())
            .unwrap()
            .items
            .len(),
        2
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn winning_places_the_order_for_the_lines_or_nothing() {
    let s = sales();
    let db = &s.db;
    let bench = db
        .create_item(&NewItem::new("BENCH", "Lab bench"))
        .unwrap()
        .id;
    db.post(&Movement::receipt(bench, d("3"), d("200")))
        .unwrap();
    let deal = db
        .create_opportunity(
            &NewOpportunity {
                currency: Some("EUR".into()),
                lines: vec![OpportunityLine {
                    sku: "BENCH".into(),
                    quantity: d("2"),
                    unit_price: d("450"),
                }],
                ..NewOpportunity::new("Two benches", s.marie.id, s.pipeline.id)
            },
            None,
        )
        .unwrap();
    assert_eq!(deal.amount, Some(d("900")), "the amount of the lines");
    let big = db
        .create_opportunity(
            &NewOpportunity {
                currency: Some("EUR".into()),
                lines: vec![OpportunityLine {
                    sku: "BENCH".into(),
                    quantity: d("5"),
                    unit_price: d("450"),
                }],
                ..NewOpportunity::new("Five benches", s.marie.id, s.pipeline.id)
            },
            None,
        )
        .unwrap();
    let order = WinOrder {
        external_id: "CRM-1".into(),
        warehouse: None,
    };
    let won = db
        .win_opportunity(
            deal.id,
            None,
            Some(&order),
            &TransitionMeta::default(),
            Some("win-1"),
        )
        .unwrap();
    let placed = won.order.clone().unwrap();
    assert_eq!(
        (placed.external_id.as_str(), placed.contact, placed.total),
        ("CRM-1", Some(s.marie.id), d("900"))
    );
    assert_eq!(placed.customer.email.as_deref(), Some("marie@example.fr"));
    assert_eq!(won.opportunity.order.as_deref(), Some("CRM-1"));
    assert_eq!(db.stock(bench, None).unwrap().available, d("1"));
    // Retried: the same result, nothing more.
    assert_eq!(
        db.win_opportunity(
            deal.id,
            None,
            Some(&order),
            &TransitionMeta::default(),
            Some("win-1")
        )
        .unwrap(),
        won
    );
    // Short stock: not won, no order.
    let order2 = WinOrder {
        external_id: "CRM-2".into(),
        warehouse: None,
    };
    assert!(matches!(
        db.win_opportunity(
            big.id,
            None,
            Some(&order2),
            &TransitionMeta::default(),
            None
        ),
        Err(Error::InsufficientAvailable { .. })
    ));
    assert_eq!(
        db.opportunity(big.id).unwrap().status,
        OpportunityStatus::Open
    );
    assert!(matches!(db.order("CRM-2"), Err(Error::NotFound { .. })));
    let empty = db
        .create_opportunity(
            &NewOpportunity::new("Nothing", s.marie.id, s.pipeline.id),
            None,
        )
        .unwrap();
    invalid(
        db.win_opportunity(
            empty.id,
            None,
            Some(&order2),
            &TransitionMeta::default(),
            None,
        )
        .unwrap_err(),
        "order",
    );
    assert_eq!(
        db.contact_orders(s.marie.id, &PageRequest::default())
            .unwrap()
            .items
            .len(),
        1
    );
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn stages_added_renamed_and_reordered_keep_the_history() {
    let s = sales();
    let db = &s.db;
    let deal = db
        .create_opportunity(
            &NewOpportunity::new("Desk", s.marie.id, s.pipeline.id),
            None,
        )
        .unwrap();
    db.move_opportunity(
        deal.id,
        s.stage("Proposal"),
        &TransitionMeta::default(),
        None,
    )
    .unwrap();
    let before = db.opportunity(deal.id).unwrap().history;
    let p = db
        .add_stage(
            s.pipeline.id,
            &NewStage::open("Qualified", d("25")),
            Some(2),
            None,
        )
        .unwrap();
    let names: Vec<_> = p
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.position))
        .collect();
    assert_eq!(
        names,
        [
            ("Lead", 1),
            ("Qualified", 2),
            ("Proposal", 3),
            ("Negotiation", 4),
            ("Won", 5),
            ("Lost", 6)
        ]
    );
    let p = db
        .update_stage(
            s.stage("Proposal"),
            &StageChanges {
                name: Some("Quote sent".into()),
                ..Default::default()
            },
            None,
        )
        .unwrap();
    let mut order: Vec<i64> = p.stages.iter().map(|s| s.id).collect();
    order.reverse();
    let p = db.reorder_stages(s.pipeline.id, &order, None).unwrap();
    assert_eq!(p.stages[0].name, "Lost");
    assert_eq!(
        p.stages.iter().map(|s| s.position).collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    let now = db.opportunity(deal.id).unwrap();
    assert_eq!(now.history, before, "the log is as it was written");
    assert_eq!(
        now.history[1].to_stage_name, "Proposal",
        "the name it had then"
    );
    assert_eq!(now.stage_name, "Quote sent", "the current name");
    assert_eq!(now.stage, before[1].to_stage);
    // The first open stage is now Negotiation: a new opportunity starts there.
    assert_eq!(
        db.create_opportunity(
            &NewOpportunity::new("Lamp", s.marie.id, s.pipeline.id),
            None
        )
        .unwrap()
        .stage_name,
        "Negotiation"
    );
    invalid(
        db.reorder_stages(s.pipeline.id, &order[1..], None)
            .unwrap_err(),
        "stages",
    );
    assert!(matches!(
        db.update_stage(
            s.stage("Lead"),
            &StageChanges {
                name: Some("lost".into()),
                ..Default::default()
            },
            None
        ),
        Err(Error::AlreadyExists { .. })
    ));
    invalid(
        db.update_stage(
            s.stage("Won"),
            &StageChanges {
                probability: Some(d("50")),
                ..Default::default()
            },
            None,
        )
        .unwrap_err(),
        "changes.probability",
    );
    invalid(
        db.add_stage(s.pipeline.id, &NewStage::open("X", d("1")), Some(99), None)
            .unwrap_err(),
        "position",
    );
    invalid(
        db.create_pipeline(
            &NewPipeline {
                name: "Closed only".into(),
                stages: vec![NewStage::closed("Won", StageKind::Won)],
            },
            None,
        )
        .unwrap_err(),
        "stages",
    );
    invalid(
        db.create_pipeline(
            &NewPipeline {
                name: "Odd".into(),
                stages: vec![
                    NewStage::open("A", d("1")),
                    NewStage {
                        name: "W".into(),
                        kind: StageKind::Won,
                        probability: Some(d("90")),
                    },
                ],
            },
            None,
        )
        .unwrap_err(),
        "stages[1].probability",
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn duplicates_are_scored_with_their_reasons() {
    let db = db();
    let acme = db
        .create_contact(&NewContact::company("ACME"), None)
        .unwrap();
    let globex = db
        .create_contact(&NewContact::company("Globex"), None)
        .unwrap();
    let person = |name: &str, company: Option<i64>, email: Option<&str>, phone: Option<&str>| {
        db.create_contact(
            &NewContact {
                company,
                emails: email.into_iter().map(str::to_owned).collect(),
                phones: phone.into_iter().map(str::to_owned).collect(),
                ..NewContact::person(name)
            },
            None,
        )
        .unwrap()
        .id
    };
    let a = person(
        "Marie Curie",
        None,
        Some("Marie.Curie@Example.fr"),
        Some("+33 6 12 34 56 78"),
    );
    let b = person(
        "M. Curie",
        None,
        Some("  marie.curie@example.FR "),
        Some("06 12 34 56 78"),
    );
    let c = person("Jean Martin", Some(acme.id), None, None);
    let e = person("Jean  martin", Some(acme.id), None, None);
    let _other_company = person("Jean Martin", Some(globex.id), None, None);
    let pairs = db.duplicate_contacts(&DuplicateFilter::default()).unwrap();
    let found: Vec<_> = pairs.iter().map(|p| (p.contact, p.other)).collect();
    assert_eq!(found, [(a, b), (c, e)], "{pairs:?}");
    assert_eq!(pairs[0].score, 98);
    let kinds: Vec<_> = pairs[0].reasons.iter().map(|r| r.kind).collect();
    assert_eq!(kinds, [MatchKind::SameEmail, MatchKind::SamePhone]);
    assert_eq!(pairs[0].reasons[1].detail, "+33612345678");
    assert_eq!(pairs[1].reasons[0].kind, MatchKind::SimilarName);
    let of_c = db
        .duplicate_contacts(&DuplicateFilter {
            contact: Some(c),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(of_c.len(), 1);
    // Merged contacts are no candidates any more.
    db.merge_contacts(b, a, None, None).unwrap();
    assert_eq!(
        db.duplicate_contacts(&DuplicateFilter::default())
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_merge_carries_everything_to_the_survivor() {
    let s = sales();
    let db = &s.db;
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("5"), d("4"))).unwrap();
    let twin = db
        .create_contact(
            &NewContact {
                emails: vec!["m.curie@lab.fr".into()],
                phones: vec!["06 11 22 33 44".into()],
                tags: vec!["lab".into()],
                external_id: Some("OLD-9".into()),
                ..NewContact::person("M. Curie")
            },
            None,
        )
        .unwrap();
    let note = db
        .log_interaction(
            &NewInteraction::new(InteractionKind::Note, twin.id, "Met at the fair"),
            None,
        )
        .unwrap();
    let deal = db
        .create_opportunity(
            &NewOpportunity::new("Microscope", twin.id, s.pipeline.id),
            None,
        )
        .unwrap();
    let order = db
        .place_order(
            &mug_order(
                "W-1",
                "1",
                Customer {
                    external_id: Some("OLD-9".into()),
                    ..Default::default()
                },
                false,
            ),
            None,
        )
        .unwrap();
    assert_eq!(order.contact, Some(twin.id));
    let merge = db
        .merge_contacts(twin.id, s.marie.id, Some("sophie"), Some("merge-1"))
        .unwrap();
    assert_eq!(
        (
            merge.interactions.clone(),
            merge.opportunities.clone(),
            merge.orders.clone()
        ),
        (vec![note.id], vec![deal.id], vec!["W-1".to_string()])
    );
    assert_eq!(
        (
            merge.emails.clone(),
            merge.phones.clone(),
            merge.tags.clone()
        ),
        (
            vec!["m.curie@lab.fr".to_string()],
            vec!["06 11 22 33 44".to_string()],
            vec!["lab".to_string()]
        )
    );
    let gone = db.contact(twin.id).unwrap();
    assert_eq!(
        (gone.status, gone.merged_into),
        (ContactStatus::Merged, Some(s.marie.id))
    );
    assert_eq!(gone.emails.len(), 1, "the merged contact stays readable");
    let survivor = db.contact(s.marie.id).unwrap();
    assert_eq!(survivor.emails.len(), 2);
    assert_eq!(survivor.tags, ["lab"]);
    assert_eq!(db.interaction(note.id).unwrap().contact, s.marie.id);
    assert_eq!(db.opportunity(deal.id).unwrap().contact, s.marie.id);
    assert_eq!(db.order("W-1").unwrap().contact, Some(s.marie.id));
    assert_eq!(
        db.contact_history(twin.id).unwrap().merges,
        std::slice::from_ref(&merge)
    );
    assert_eq!(db.contact_history(s.marie.id).unwrap().merges, [merge]);
    // An order by the merged contact's external id goes to the survivor.
    let next = db
        .place_order(
            &mug_order(
                "W-2",
                "1",
                Customer {
                    external_id: Some("OLD-9".into()),
                    ..Default::default()
                },
                true,
            ),
            None,
        )
        .unwrap();
    assert_eq!(next.contact, Some(s.marie.id));
    // Refusals.
    invalid(
        db.merge_contacts(s.marie.id, s.marie.id, None, None)
            .unwrap_err(),
        "into",
    );
    let third = db
        .create_contact(&NewContact::person("Third"), None)
        .unwrap();
    transition(
        db.merge_contacts(third.id, twin.id, None, None)
            .unwrap_err(),
    );
    transition(
        db.merge_contacts(twin.id, third.id, None, None)
            .unwrap_err(),
    );
    transition(
        db.update_contact(twin.id, &ContactChanges::default(), None)
            .unwrap_err(),
    );
    transition(
        db.log_interaction(
            &NewInteraction::new(InteractionKind::Note, twin.id, "x"),
            None,
        )
        .unwrap_err(),
    );
    let company = db
        .create_contact(&NewContact::company("Lab"), None)
        .unwrap();
    invalid(
        db.merge_contacts(third.id, company.id, None, None)
            .unwrap_err(),
        "into",
    );
    assert!(db.verify().unwrap().is_clean());
}

#[test]
fn erasure_blanks_personal_data_and_keeps_the_books() {
    let s = sales();
    let db = &s.db;
    let mug = db.create_item(&NewItem::new("MUG", "Mug")).unwrap().id;
    db.post(&Movement::receipt(mug, d("5"), d("4"))).unwrap();
    let ana = db
        .create_contact(
            &NewContact {
                emails: vec!["ana@example.com".into()],
                phones: vec!["06 12 34 56 78".into()],
                notes: Some("Allergic to cats".into()),
                ..NewContact::person("Ana Lopez")
            },
            Some("create-ana"),
        )
        .unwrap();
    let twin = db
        .create_contact(
            &NewContact {
                emails: vec!["ana.lopez@work.com".into()],
                ..NewContact::person("A. Lopez")
            },
            None,
        )
        .unwrap();
    db.merge_contacts(twin.id, ana.id, None, None).unwrap();
    let placed = db
        .place_order(
            &mug_order(
                "E-1",
                "2",
                Customer {
                    email: Some("ana@example.com".into()),
                    name: Some("Ana Lopez".into()),
                    external_id: None,
                },
                false,
            ),
            Some("order-e1"),
        )
        .unwrap();
    db.fulfil_order("E-1", None, None).unwrap();
    let deal = db
        .create_opportunity(&NewOpportunity::new("Mugs", ana.id, s.pipeline.id), None)
        .unwrap();
    let call = db
        .log_interaction(
            &NewInteraction::new(
                InteractionKind::Call,
                ana.id,
                "Ana Lopez (ana@example.com) wants 2 mugs",
            ),
            None,
        )
        .unwrap();
    let erasure = db
        .erase_contact(ana.id, Some("dpo"), Some("GDPR request 42"), None)
        .unwrap();
    assert_eq!(erasure.interactions, 1);
    assert_eq!(
        db.interaction(call.id).unwrap().summary,
        "[erased] ([erased]) wants 2 mugs"
    );
    assert_eq!(erasure.fields, ["name", "emails", "phones", "notes"]);
    assert_eq!(erasure.orders, ["E-1"]);
    assert_eq!(
        erasure.also,
        [twin.id],
        "the contact merged into it was the same person"
    );
    assert_eq!(
        erasure.requests, 2,
        "the contact's creation and the order's request"
    );
    let gone = db.contact(ana.id).unwrap();
    assert_eq!(gone.status, ContactStatus::Erased);
    assert!(gone.emails.is_empty() && gone.phones.is_empty() && gone.notes.is_none());
    assert!(!gone.name.contains("Ana"));
    assert!(db.contact(twin.id).unwrap().emails.is_empty());
    let order = db.order("E-1").unwrap();
    assert_eq!((order.customer.email, order.customer.name), (None, None));
    assert_eq!(
        (order.total, order.status),
        (placed.total, OrderStatus::Fulfilled),
        "the books stay"
    );
    assert_eq!(db.stock(mug, None).unwrap().on_hand, d("3"));
    assert_eq!(db.opportunity(deal.id).unwrap().history.len(), 1);
    assert_eq!(db.contact_history(ana.id).unwrap().erasure, Some(erasure));
    // Nothing findable any more, and the stored requests no longer hold it.
    assert!(db
        .contacts(&ContactFilter {
            search: Some("ana@example.com".into()),
            status: Some(ContactStatus::Erased),
            ..Default::default()
        })
        .unwrap()
        .items
        .is_empty());
    assert!(matches!(
        db.create_contact(
            &NewContact {
                emails: vec!["ana@example.com".into()],
                phones: vec!["06 12 34 56 78".into()],
                notes: Some("Allergic to cats".into()),
                ..NewContact::person("Ana Lopez")
            },
            Some("create-ana")
        ),
        Err(Error::IdempotencyConflict { .. })
    ));
    transition(db.erase_contact(ana.id, None, None, None).unwrap_err());
    transition(
        db.update_contact(ana.id, &ContactChanges::default(), None)
            .unwrap_err(),
    );
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn crm_writes_are_idempotent_by_key() {
    let s = sales();
    let db = &s.db;
    let a = db
        .create_contact(&NewContact::person("Zoé"), Some("c-1"))
        .unwrap();
    assert_eq!(
        db.create_contact(&NewContact::person("Zoé"), Some("c-1"))
            .unwrap(),
        a
    );
    assert!(matches!(
        db.create_contact(&NewContact::person("Zoe"), Some("c-1")),
        Err(Error::IdempotencyConflict { .. })
    ));
    let deal = db
        .create_opportunity(
            &NewOpportunity::new("Key", a.id, s.pipeline.id),
            Some("o-1"),
        )
        .unwrap();
    let m1 = db
        .move_opportunity(
            deal.id,
            s.stage("Proposal"),
            &TransitionMeta::default(),
            Some("m-1"),
        )
        .unwrap();
    assert_eq!(
        db.move_opportunity(
            deal.id,
            s.stage("Proposal"),
            &TransitionMeta::default(),
            Some("m-1")
        )
        .unwrap(),
        m1
    );
    assert_eq!(
        db.opportunity(deal.id).unwrap().history.len(),
        2,
        "the retry appended nothing"
    );
    assert_eq!(
        db.contacts(&ContactFilter::default()).unwrap().items.len(),
        2
    );
    let report = db.verify().unwrap();
    assert!(report.is_clean(), "{report:?}");
}

#[test]
fn crm_requests_in_json_are_strict() {
    let db = db();
    let refused = |req: &str, field: &str| match api::call(&db, req) {
        Err(Error::InvalidInput { field: f, .. }) => assert_eq!(f, field, "{req}"),
        other => panic!("{req}: {other:?}"),
    };
    refused(
        r#"{"op":"create_contact","contact":{"name":"A","custom":5}}"#,
        "contact.custom",
    );
    refused(
        r#"{"op":"create_contact","contact":{"name":"A","kind":"robot"}}"#,
        "contact.kind",
    );
    refused(
        r#"{"op":"create_contact","contact":{"name":"A","emails":"a@b.fr"}}"#,
        "contact.emails",
    );
    refused(
        r#"{"op":"create_pipeline","pipeline":{"name":"P","stages":[{"name":"A","probability":0.5}]}}"#,
        "pipeline.stages[0].probability",
    );
    refused(
        r#"{"op":"create_opportunity","opportunity":{"title":"T","contact":1,"pipeline":1,"expected_close":"31/07/2026"}}"#,
        "opportunity.expected_close",
    );
    refused(
        r#"{"op":"interactions","filter":{"when":"someday"}}"#,
        "filter.when",
    );
    // PHP's json_encode([]) is an empty list: read as no custom fields.
    let c = api::call(
        &db,
        r#"{"op":"create_contact","contact":{"name":"A","custom":[]}}"#,
    )
    .unwrap();
    assert_eq!(c["custom"], serde_json::json!({}));
    assert_eq!(
        db.contacts(&ContactFilter::default()).unwrap().items.len(),
        1
    );
}

#[test]
fn a_merge_stops_at_the_limit_of_a_contact() {
    let db = db();
    let full = NewContact {
        emails: (0..20).map(|i| format!("a{i}@example.com")).collect(),
        ..NewContact::person("Full")
    };
    let full = db.create_contact(&full, None).unwrap();
    let extra = NewContact {
        emails: vec!["extra@example.com".into()],
        ..NewContact::person("Extra")
    };
    let extra = db.create_contact(&extra, None).unwrap();
    let merge = db.merge_contacts(extra.id, full.id, None, None).unwrap();
    assert!(merge.emails.is_empty(), "only what moved is listed");
    assert_eq!(db.contact(full.id).unwrap().emails.len(), 20);
    assert_eq!(
        db.contact(extra.id).unwrap().emails[0].address,
        "extra@example.com"
    );
    // The survivor can still be updated with its own list.
    let emails = db
        .contact(full.id)
        .unwrap()
        .emails
        .iter()
        .map(|e| e.address.clone())
        .collect();
    let changes = ContactChanges {
        emails: Some(emails),
        ..Default::default()
    };
    db.update_contact(full.id, &changes, None).unwrap();
    assert_eq!(db.contact_history(full.id).unwrap().merges[0].id, merge.id);
}
