# ruff: noqa: RUF001, E501
# (Chinese text uses full-width punctuation and wide characters.)
"""The wording every agency starts from (version 1 of each template); an agency changes it as data.

Our own words, following the conventions of Hong Kong government releases (see docs/users/release-
templates.md). No figure appears here: counts come from the records, penalties from the offence catalogue,
channels and the screening paragraph from configuration.
"""

from __future__ import annotations

OPERATION_EN_TITLE = "{persons_arrested} arrested during anti-illegal worker operation"
OPERATION_EN_BODY = """\
[if premises] The {agency} mounted an anti-illegal worker operation codenamed "{codename}" {operation_date}. \
Officers raided {place} in the {district}.

[if not premises] The {agency} mounted an anti-illegal worker operation codenamed "{codename}" \
{operation_date}.

[if arrests] A total of {arrested_roles} {were} arrested. {people}

[if not arrests] No one was arrested.

[if publicity] During the operation, officers also {publicity}.

[if investigation] The investigation into the employers continues, and further arrests may be made.

A spokesman for the {agency} warned that anyone who breaks the law faces prosecution. {law}

The spokesman also reminded employers that the courts have said an employer of an illegal worker should \
expect an immediate custodial sentence, and that every employer must take all practicable steps to make \
sure a job seeker is lawfully employable before employing them: inspect the identity card, and make \
enquiries whose answers leave no reasonable doubt.

[if screening] {screening}

Members of the public may report suspected illegal employment {channels}.

{end_block}"""

OPERATION_EN_PHRASES = {
    "title:no_arrests": "{agency} mounts anti-illegal worker operation",
    "law:codes": "s41 s38aa s17i s17i-officer aiding-abetting s17j",
    "law:s41": "A visitor may not take employment, paid or unpaid, without the permission of the Director of "
    "Immigration: breach of a condition of stay is an offence under {section} of the {ordinance}, with a "
    "maximum penalty of a fine of {fine} and {imprisonment} imprisonment.",
    "law:s38aa": "Illegal immigrants, persons under a removal order, overstayers and persons refused "
    "permission to land may not take any employment or establish or join any business; under {section} "
    "the maximum penalty is a fine of {fine} and {imprisonment} imprisonment.",
    "law:s17i": "Employing a person who is not lawfully employable is an offence under {section}, with a "
    "maximum penalty of a fine of {fine} and {imprisonment} imprisonment{previous}.",
    "law:previous": " (raised on {since} from a fine of {fine} and {imprisonment} imprisonment)",
    "law:s17i-officer": "A director, manager, secretary or partner of an employing company whose consent, "
    "connivance or neglect led to the offence is liable to the same maximum penalty of a fine of {fine} "
    "and {imprisonment} imprisonment.",
    "law:aiding-abetting": "Aiders and abettors are also liable to prosecution and to the penalties of the "
    "principal offence.",
    "law:s17j": "Under {section}, an employer must inspect a job seeker's identity card, or valid travel "
    "document where the job seeker holds no permanent identity card; an employer who fails to do so faces "
    "a maximum fine of {fine} and {imprisonment} imprisonment.",
    "law:default": "{title} ({section}): a maximum penalty of a fine of {fine} and {imprisonment} "
    "imprisonment.",
    "ordinance:Immigration Ordinance (Cap. 115)": "Immigration Ordinance (Cap. 115)",
    "publicity:leaflets+vehicle": 'distributed leaflets "Don\'t Employ Illegal Workers" to the public '
    "from a promotional vehicle",
    "publicity:leaflets": 'distributed leaflets "Don\'t Employ Illegal Workers" to the public',
    "publicity:vehicle": "toured the district in a promotional vehicle",
    "publicity:talks": "gave talks to employers on their duties",
    "channel:hotline": "by calling the dedicated hotline {value}",
    "channel:fax": "by fax to {value}",
    "channel:email": "by e-mail to {value}",
    "channel:online_form": 'through the online form "{value}"',
}

OPERATION_ZH_TITLE = "{agency}打擊非法勞工拘捕{persons_arrested}"
OPERATION_ZH_BODY = """\
[if premises] {agency}{operation_date}展開代號「{codename}」的打擊非法勞工行動，搜查{district}{place}。

[if not premises] {agency}{operation_date}展開代號「{codename}」的打擊非法勞工行動。

[if arrests] 行動中共拘捕{arrested_roles}。{people}

[if not arrests] 行動中沒有人被捕。

[if publicity] 行動期間，人員亦{publicity}。

[if investigation] 有關僱主的調查仍在進行中，不排除會有更多人被捕。

{agency}發言人警告，任何人違法均會被檢控。{law}

發言人亦提醒僱主，法庭曾指出僱用非法勞工的僱主應被判即時監禁；僱主在僱用任何人之前，必須採取一切切實可行\
的步驟，查閱求職者的身份證，並作出查詢，確定求職者可合法受僱，不容有任何合理疑問。

[if screening] {screening}

市民可{channels}，舉報懷疑非法僱傭活動。

{end_block}"""

OPERATION_ZH_PHRASES = {
    "title:no_arrests": "{agency}採取打擊非法勞工行動",
    "law:codes": "s41 s38aa s17i s17i-officer aiding-abetting s17j",
    "law:s41": "根據{ordinance}{section}，旅客未經入境事務處處長批准，不得接受有薪或無薪的僱傭工作；違反逗留條件"
    "最高可被判罰款{fine}及監禁{imprisonment}。",
    "law:s38aa": "非法入境者、受遣送離境令規限的人、逾期居留者或被拒入境者，不得接受任何僱傭工作或開辦或參與任何"
    "業務；違者根據{section}最高可被判罰款{fine}及監禁{imprisonment}。",
    "law:s17i": "根據{section}，僱用不可合法受僱的人屬違法，最高刑罰為罰款{fine}及監禁{imprisonment}{previous}。",
    "law:previous": "（{since}起由罰款{fine}及監禁{imprisonment}提高）",
    "law:s17i-officer": "如罪行是在僱主公司的董事、經理、秘書或合夥人同意、縱容或疏忽下干犯，該等人士亦可被判同樣"
    "的最高刑罰，即罰款{fine}及監禁{imprisonment}。",
    "law:aiding-abetting": "協助及教唆他人犯罪者亦可被檢控，並可被判主罪的刑罰。",
    "law:s17j": "根據{section}，僱主必須查閱求職者的身份證，或在求職者並非持有香港永久性居民身份證時查閱其有效"
    "旅行證件；僱主如沒有這樣做，最高可被判罰款{fine}及監禁{imprisonment}。",
    "law:default": "{title}（{section}）最高可被判罰款{fine}及監禁{imprisonment}。",
    "ordinance:Immigration Ordinance (Cap. 115)": "《入境條例》（第115章）",
    "publicity:leaflets+vehicle": "透過宣傳車向市民派發「切勿僱用非法勞工」宣傳單張",
    "publicity:leaflets": "向市民派發「切勿僱用非法勞工」宣傳單張",
    "publicity:vehicle": "出動宣傳車在區內宣傳",
    "publicity:talks": "向僱主講解其法律責任",
    "channel:hotline": "致電舉報熱線{value}",
    "channel:fax": "傳真至{value}",
    "channel:email": "電郵至{value}",
    "channel:online_form": "使用「{value}」網上表格",
}

MEETING_EN_TITLE = "{agency} holds {meeting}"
MEETING_EN_BODY = """\
{convened_by} convened {meeting} {meeting_date}, attended by {attendees}.

At the meeting, {topics}

{quotes}

[if follow_up] {follow_up}

{end_block}"""
MEETING_EN_PHRASES = {"quote": '{speaker} said, "{quote}"'}

MEETING_ZH_TITLE = "{agency}舉行{meeting}"
MEETING_ZH_BODY = """\
{convened_by}{meeting_date}召開{meeting}，出席的包括{attendees}。

會上，{topics}

{quotes}

[if follow_up] {follow_up}

{end_block}"""
MEETING_ZH_PHRASES = {"quote": "{speaker}表示：「{quote}」"}

DRILL_EN_TITLE = "{agency} conducts cybersecurity attack and defence drill"
DRILL_EN_BODY = """\
The {agency} conducted a large-scale cybersecurity attack and defence drill, "{drill}", {drill_date}, \
with {organisations} taking part.

[if sectors] The participants came from the following sectors: {sectors}.

[if scenario] The drill was built on a scenario of the type "{scenario}".

[if capabilities] It exercised the participants' ability to {capabilities}, so as to improve the defence \
and response capabilities of their systems and teams.

A spokesman for the {agency} said that drills of this kind help the organisations concerned stay ready for \
cyber attacks, and that the lessons learned will be followed up with each of them.

{end_block}"""
DRILL_EN_PHRASES = {
    "organisations": "{count} organisations",
    "organisations:one": "{count} organisation",
    "capability:detect": "detect attacks",
    "capability:report": "report incidents",
    "capability:share": "share threat intelligence",
    "capability:contain": "contain attacks",
    "capability:communicate": "communicate during an incident",
    # Short sector names, so that a list of them reads without an "and" inside a name.
    "sector:government": "government",
    "sector:telecoms": "telecommunications",
    "sector:internet_exchange": "Internet exchange",
    "sector:domain_registry": "domain registry",
    "sector:data_centre": "data centre and cloud",
    "sector:cybersecurity": "cybersecurity",
    "sector:transport": "transport",
    "sector:sports_events": "sports",
    "sector:law_enforcement": "law enforcement",
    "sector:social_services": "social services",
    "sector:health": "health",
    "sector:other": "other",
}

DRILL_ZH_TITLE = "{agency}舉行網絡安全攻防演練"
DRILL_ZH_BODY = """\
{agency}{drill_date}舉行大型網絡安全攻防演練「{drill}」，共有{organisations}參與。

[if sectors] 參與機構來自{sectors}界別。

[if scenario] 演練以「{scenario}」為情景。

[if capabilities] 演練測試參與機構{capabilities}的能力，以提升相關系統及團隊的防禦和應變能力。

{agency}發言人表示，這類演練有助相關機構做好準備應對網絡攻擊，演練所得的經驗會與各機構跟進。

{end_block}"""
DRILL_ZH_PHRASES = {
    "organisations": "{count}個機構",
    "capability:detect": "偵測攻擊",
    "capability:report": "通報事故",
    "capability:share": "分享威脅情報",
    "capability:contain": "遏止攻擊",
    "capability:communicate": "在事故中溝通",
    "sector:government": "政府",
    "sector:telecoms": "電訊",
    "sector:internet_exchange": "互聯網交換",
    "sector:domain_registry": "域名註冊",
    "sector:data_centre": "數據中心及雲端服務",
    "sector:cybersecurity": "網絡安全",
    "sector:transport": "運輸",
    "sector:sports_events": "體育",
    "sector:law_enforcement": "執法",
    "sector:social_services": "社會服務",
    "sector:health": "醫療",
    "sector:other": "其他",
}

EVENT_EN_TITLE = "{agency} safeguards cybersecurity of {event}"
EVENT_EN_BODY = """\
The {event} was held {event_date}. The {agency} and {organisations} kept watch over the information \
systems the event relied on {watch_period}.

[if readiness] Before the event, the participating organisations completed {readiness_done} of \
{readiness_total} readiness checks, covering {readiness_items}.

[if incidents] During the watch period, {incidents} were reported through the platform and followed up.

[if not incidents] No cybersecurity incident was reported during the watch period.

A spokesman for the {agency} thanked the participating organisations for their cooperation, and said the \
lessons learned will strengthen preparations for future major events.

{end_block}"""
EVENT_EN_PHRASES = {
    "organisations": "{count} organisations",
    "organisations:one": "{count} organisation",
    "incidents": "{count} cybersecurity incidents",
    "incidents:withheld": "fewer than {count} cybersecurity incidents",
}

EVENT_ZH_TITLE = "{agency}保障{event}網絡安全"
EVENT_ZH_BODY = """\
{event}於{event_date}舉行。{agency}與{organisations}於{watch_period}監察活動所依賴的資訊系統。

[if readiness] 活動前，參與機構完成了{readiness_total}項準備檢查中的{readiness_done}項，涵蓋{readiness_items}。

[if incidents] 監察期間，平台共收到{incidents}報告，並已跟進。

[if not incidents] 監察期間沒有收到網絡安全事故報告。

{agency}發言人感謝各參與機構的合作，並表示所得經驗將有助日後大型活動的準備工作。

{end_block}"""
EVENT_ZH_PHRASES = {
    "organisations": "{count}個機構",
    "incidents": "{count}宗網絡安全事故",
    "incidents:withheld": "少於{count}宗網絡安全事故",
}

# kind, language, title, body, phrases
DEFAULTS: tuple[tuple[str, str, str, str, dict[str, str]], ...] = (
    ("operation", "en", OPERATION_EN_TITLE, OPERATION_EN_BODY, OPERATION_EN_PHRASES),
    ("operation", "zh-hant", OPERATION_ZH_TITLE, OPERATION_ZH_BODY, OPERATION_ZH_PHRASES),
    ("meeting", "en", MEETING_EN_TITLE, MEETING_EN_BODY, MEETING_EN_PHRASES),
    ("meeting", "zh-hant", MEETING_ZH_TITLE, MEETING_ZH_BODY, MEETING_ZH_PHRASES),
    ("drill", "en", DRILL_EN_TITLE, DRILL_EN_BODY, DRILL_EN_PHRASES),
    ("drill", "zh-hant", DRILL_ZH_TITLE, DRILL_ZH_BODY, DRILL_ZH_PHRASES),
    ("event", "en", EVENT_EN_TITLE, EVENT_EN_BODY, EVENT_EN_PHRASES),
    ("event", "zh-hant", EVENT_ZH_TITLE, EVENT_ZH_BODY, EVENT_ZH_PHRASES),
)
