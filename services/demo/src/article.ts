/** The demo article: a student newspaper's politics story, written for this demo. */
export const ARTICLE = {
  postId: 'article-123',
  section: 'Politics',
  headline: 'Council puts student transit pass on hold as province weighs its share',
  dek: 'Students who were promised a universal bus pass by September will wait at least another term.',
  byline: 'Priya Ramanathan',
  role: 'Politics Editor',
  date: '2026-03-24',
  dateText: 'March 24, 2026',
  editedBy: 'Marc-André Tremblay',
  paragraphs: [
    'Harbourview city council voted 7–4 on Tuesday night to postpone a decision on a universal transit pass for the city’s three post-secondary campuses, saying it cannot commit to the program until the provincial government confirms how much of the cost it will carry.',
    'The pass, which would give roughly 21,000 full-time students unlimited bus and ferry rides for a flat fee added to tuition, had been expected to pass easily after two years of negotiation between the student unions and Harbourview Transit.',
    'Deputy mayor Colin Stairs, who moved the deferral, said the city had “no interest in killing the pass” but could not sign a five-year agreement while a provincial transit grant worth $4.2 million a year remained unconfirmed. “If we sign now and the grant shrinks, property taxpayers carry the difference. I won’t ask them to do that on a handshake,” he told council.',
    'Student leaders who packed the gallery saw it differently. Nadia Okonkwo, external vice-president of the Harbourview Students’ Union, said students had already voted in a referendum last spring to pay $148 a term for the pass, more than the fee students pay in several comparable cities.',
    '“We did everything council asked of us. We held the vote, we agreed to the price, we agreed to the audit clause,” Okonkwo said after the meeting. “Now we are told to wait for a budget that nobody can give us a date for.”',
    'The province’s Department of Municipal Affairs said in an emailed statement that transit funding for the coming fiscal year “is under review with all municipal partners” and that it expects to announce allocations “in the spring.” It did not say whether programs for students would be treated differently from other riders.',
    'Two councillors who voted against the deferral, Grace Ferreira and Daniel Boudreau, argued the city could sign the agreement with an exit clause tied to the provincial grant. Ferreira called the delay “a choice, not a necessity,” pointing out that the pass would add about 2.8 million rides a year to a system still recovering from pandemic-era losses.',
    'Council asked city staff to return by May with an option that includes such a clause. If it passes then, the earliest the pass could begin is January, a full term later than students were told.',
    'The student union says it will hold a town hall on the decision next week and has asked members to write to their councillors before the May meeting.',
  ],
} as const;
