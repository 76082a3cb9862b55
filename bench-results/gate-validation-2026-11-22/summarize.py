import csv,re,statistics as st,collections
rows=[r for r in csv.reader(open('/tmp/gate-validation/results.tsv'),delimiter='\t') if len(r)>5 and r[0]!='kind']
g=collections.OrderedDict()
for r in rows:
    kind=re.sub(r'-\d+$','',r[0]); g.setdefault(kind,[]).append(r)
print('%-8s %4s %8s %14s %22s %20s %10s'%('kind','runs','failures','seconds(med)','aset-native ptr ratio','ptr interval width','median width'))
for k,rs in g.items():
    fails=sum(1 for r in rs if r[2]=='1'); other=sum(1 for r in rs if r[2] not in('0','1'))
    secs=st.median(float(r[3]) for r in rs)
    ptr=[re.match(r'([\d.]+) \[([\d.]+),([\d.]+)\]',r[7]) for r in rs]
    ratios=[float(m.group(1)) for m in ptr]; widths=[float(m.group(3))-float(m.group(2)) for m in ptr]
    mw=st.median(float(r[8]) for r in rs)
    print('%-8s %4d %5d%s %10.0f %15.3f (%.3f-%.3f) %12.3f %12.3f'%(k,len(rs),fails,'' if not other else '(+%d err)'%other,secs,st.median(ratios),min(ratios),max(ratios),st.median(widths),mw))
